// Release-only throughput benchmarks, printed as JSON lines (`make bench`).
//
//   ForecastBench csv --rows N --file PATH [--repeat K]
//
// Every benchmark writes its inputs itself from a fixed seed, so runs are comparable.
import Forecasting
import Foundation
import Ingestion
import Neural
import Support
import TimeSeries

/// swift-numerics' `blackHole`: keeps a result alive so the optimiser cannot drop the work.
@inline(never) func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

/// Resets the peak-RSS counter (VmHWM) so the next phase's peak is its own.
func resetPeakRSS() {
    if let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
        handle.write(Data("5".utf8))
        try? handle.close()
    }
}

/// A memory figure of this process from /proc/self/status (`VmRSS`, `VmHWM`), in MiB.
func statusMegabytes(_ key: String) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix(key + ":") {
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return (kb / 1024 * 10).rounded() / 10
    }
    return 0
}

func currentRSSMegabytes() -> Double { statusMegabytes("VmRSS") }

/// Thread CPU seconds of this process.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// Peak resident memory of this process in MiB (VmHWM).
func peakRSSMegabytes() -> Double { statusMegabytes("VmHWM") }

func option(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return fallback }
    return args[i + 1]
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// A wide CSV like the bundled ones: an hourly UTC timestamp and five numeric columns
/// written with up to 10 significant digits, a few fields empty.
func writeCSV(rows: Int, path: String) throws {
    var rng = SplitMix64(seed: 42)
    var text = "timestamp,open,high,low,close,volume\n"
    text.reserveCapacity(rows * 64)
    let start = Timestamp(year: 2000, month: 1, day: 1)
    var price = 100.0
    for i in 0..<rows {
        let t = Timestamp(microseconds: start.microseconds + Int64(i) * 3_600_000_000)
        price *= 1 + (Double(rng.next() % 2001) - 1000) / 100_000
        let open = price, high = price * 1.01, low = price * 0.99
        let close = price * (1 + (Double(rng.next() % 201) - 100) / 10_000)
        let volume = rng.next() % 10_000_000
        text += t.formatted(.utc)
        for v in [open, high, low, close] {
            text += ","
            if rng.next() % 1000 != 0 { text += String(format: "%.10g", v) }
        }
        text += ",\(volume)\n"
    }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}

func benchCSV() throws {
    let rows = Int(option("--rows", "1000000")) ?? 1_000_000
    let path = option("--file", "/tmp/forecast_bench_\(rows).csv")
    let repeats = Int(option("--repeat", "7")) ?? 5
    if !FileManager.default.fileExists(atPath: path) {
        FileHandle.standardError.write(Data("writing \(path)\n".utf8))
        try writeCSV(rows: rows, path: path)
    }
    let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    var times: [Double] = []
    var parsed = 0
    for _ in 0..<repeats {
        let t0 = now()
        let frames = try CSVReader().read(path: path)
        times.append(now() - t0)
        parsed = frames[0].rowCount
        blackHole(frames)
    }
    precondition(parsed == rows, "parsed \(parsed) rows, expected \(rows)")
    times.sort()
    let median = times[times.count / 2]
    let record: [(String, String)] = [
        ("record", "\"result\""), ("tool", "\"forecast-swift\""), ("bench", "\"csv_parse\""),
        ("rows", "\(rows)"), ("columns", "6"), ("bytes", "\(bytes)"), ("repeat", "\(repeats)"),
        ("seconds_median", String(format: "%.4f", median)), ("seconds_best", String(format: "%.4f", times[0])),
        ("rows_per_s", String(format: "%.0f", Double(rows) / median)),
        ("mb_per_s", String(format: "%.1f", Double(bytes) / median / 1e6)),
        ("peak_rss_mb", String(format: "%.1f", peakRSSMegabytes())),
    ]
    print("{" + record.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
}

let command = CommandLine.arguments.dropFirst().first ?? "csv"
switch command {
case "csv": try benchCSV()
case "rnn": benchRNN()
case "kernels": benchKernels()
case "accuracy": try accuracyExperiment()
default:
    FileHandle.standardError.write(Data("""
        usage: ForecastBench csv [--rows N] [--file PATH] [--repeat K]
               ForecastBench rnn [--configs 1,2,3] [--cells gru,lstm,rnn_tanh] [--modes many2one,many2many] [--min-time S]
               ForecastBench kernels [--min-time S]   (FORECAST_KERNELS=avx2 for the AVX2 path)

        """.utf8))
    exit(64)
}
