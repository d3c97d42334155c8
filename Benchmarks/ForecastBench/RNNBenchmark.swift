import Foundation
import Neural
import Support

/// The cases of the PyTorch peer (`bench/peer_rnn.py`): same sizes, same JSON fields.
struct RNNCase {
    var cfg: Int, F: Int, T: Int, B: Int, H: Int, L: Int, horizon: Int
    static let all = [
        RNNCase(cfg: 1, F: 1, T: 48, B: 64, H: 64, L: 1, horizon: 24),
        RNNCase(cfg: 2, F: 8, T: 96, B: 128, H: 128, L: 2, horizon: 24),
        RNNCase(cfg: 3, F: 1, T: 168, B: 32, H: 256, L: 1, horizon: 24),
    ]
}

/// Median wall time, spread (p90 - p10) / median in percent, count, median CPU time.
func timeSteps(warmup: Int, minTime: Double, minReps: Int, maxReps: Int, _ body: () -> Void)
    -> (median: Double, spread: Double, count: Int, cpu: Double)
{
    for _ in 0..<warmup { body() }
    var times: [Double] = [], cpus: [Double] = []
    let start = now()
    while times.count < maxReps {
        let c0 = cpuSeconds(), t0 = now()
        body()
        times.append(now() - t0)
        cpus.append(cpuSeconds() - c0)
        if times.count >= minReps && now() - start >= minTime { break }
    }
    times.sort()
    cpus.sort()
    let median = times[times.count / 2]
    let p10 = times[Int(0.1 * Double(times.count - 1))], p90 = times[Int((0.9 * Double(times.count - 1)).rounded())]
    return (median, (p90 - p10) / median * 100, times.count, cpus[cpus.count / 2])
}

func benchRNN() {
    let configs = option("--configs", "1,2,3").split(separator: ",").compactMap { Int($0) }
    let cells = option("--cells", "gru,lstm,rnn_tanh").split(separator: ",").map(String.init)
    let modes = option("--modes", "many2one,many2many").split(separator: ",").map(String.init)
    let minTime = Double(option("--min-time", "3")) ?? 3
    for c in RNNCase.all where configs.contains(c.cfg) {
        for mode in modes {
            for cellName in cells {
                guard let cell = CellKind(rawValue: cellName) else { continue }
                benchCase(c, cell: cell, mode: mode, minTime: minTime)
            }
        }
    }
}

func benchCase(_ c: RNNCase, cell: CellKind, mode: String, minTime: Double) {
    let baseRSS = currentRSSMegabytes()
    resetPeakRSS()
    let manyToOne = mode == "many2one"
    let network = RecurrentNetwork(
        NetworkConfiguration(cell: cell, inputSize: c.F, hiddenSize: c.H, layers: c.L,
                             outputSize: manyToOne ? c.horizon : 1, outputMode: manyToOne ? .lastStep : .everyStep),
        seed: 1234)
    var rng = SplitMix64(seed: 1234 + 100 * UInt64(c.cfg))
    let x = (0..<(c.B * c.T * c.F)).map { _ in Float(rng.nextNormal()) }
    let y = (0..<(manyToOne ? c.B * c.horizon : c.B * c.T)).map { _ in Float(rng.nextNormal()) }
    let adam = Optimizer(.adam, learningRate: 1e-3, parameterCount: network.parameters.count)
    var losses: [Float] = []
    let skipTraining = option("--only", "") == "infer"
    let train = timeSteps(warmup: skipTraining ? 0 : 3, minTime: skipTraining ? 0 : minTime, minReps: 1, maxReps: skipTraining ? 1 : 300) {
        network.zeroGradients()
        let pred = network.forward(x, batch: c.B, steps: c.T, training: true)
        let (loss, grad) = Loss.mse.evaluate(prediction: pred, target: y)
        network.backward(grad)
        adam.update(network.parameters, gradients: network.gradients)
        losses.append(loss)
    }
    let trainPeak = peakRSSMegabytes()
    resetPeakRSS()
    let infer = timeSteps(warmup: 3, minTime: minTime / 2, minReps: 7, maxReps: 300) {
        blackHole(network.forward(x, batch: c.B, steps: c.T, differentiable: false))
    }
    let inferPeak = peakRSSMegabytes()

    let gates = cell.gates
    var perStep = 0
    for l in 0..<c.L { perStep += 2 * gates * c.H * ((l == 0 ? c.F : c.H) + c.H) }
    let head = manyToOne ? 2 * c.B * c.H * c.horizon : 2 * c.B * c.T * c.H
    let forwardFlops = Double(c.B * c.T * perStep + head)
    func r(_ v: Double, _ digits: Int) -> Double {
        let s = (0..<digits).reduce(1.0) { a, _ in a * 10 }
        return (v * s).rounded() / s
    }
    let fields: [(String, Any)] = [
        ("record", "result"), ("tool", "forecast-swift"), ("tool_version", "0.1.0"),
        ("cell", cell.rawValue), ("mode", mode), ("cfg", c.cfg), ("F", c.F), ("T", c.T), ("B", c.B), ("H", c.H),
        ("L", c.L), ("horizon", c.horizon), ("threads", 1), ("run", 0),
        ("train_seq_per_s", r(Double(c.B) / train.median, 1)),
        ("train_timesteps_per_s", Int((Double(c.B * c.T) / train.median).rounded())),
        ("infer_seq_per_s", r(Double(c.B) / infer.median, 1)),
        ("infer_timesteps_per_s", Int((Double(c.B * c.T) / infer.median).rounded())),
        ("gflops_est", r(3 * forwardFlops / train.median / 1e9, 2)),
        ("infer_gflops_est", r(forwardFlops / infer.median / 1e9, 2)),
        ("train_flops_per_batch", Int(3 * forwardFlops)),
        ("train_ms", r(train.median * 1e3, 3)), ("train_spread_pct", r(train.spread, 1)), ("train_reps", train.count),
        ("train_cpu_ms", r(train.cpu * 1e3, 3)),
        ("infer_ms", r(infer.median * 1e3, 3)), ("infer_spread_pct", r(infer.spread, 1)), ("infer_reps", infer.count),
        ("infer_cpu_ms", r(infer.cpu * 1e3, 3)),
        ("peak_rss_mb", trainPeak), ("infer_peak_rss_mb", inferPeak), ("base_rss_mb", baseRSS),
        ("loss_first", r(Double(losses.first ?? 0), 5)), ("loss_last", r(Double(losses.last ?? 0), 5)),
    ]
    let body = fields.map { key, value -> String in
        let rendered = value is String ? "\"\(value)\"" : "\(value)"
        return "\"\(key)\": \(rendered)"
    }
    print("{" + body.joined(separator: ", ") + "}")
    FileHandle.standardOutput.synchronizeFile()
}
