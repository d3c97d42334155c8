import ArgumentParser
import Forecasting
import Foundation
import Neural
import Support
import TimeSeries

/// `forecast diagnose`: how far back in time the loss's gradient reaches, for a saved
/// model on its data or for fresh networks of each cell.
struct Diagnose: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Gradient flow back in time: ||dLoss/dx_t|| by steps back from the last input, as a table (and SVG with -o).",
        discussion: """
            With --model M FILE: the saved many-to-one model on the last windows of FILE, with its \
            training loss. Without: fresh networks of each --cells (PyTorch's initialisation, --seed), \
            a window of --steps random inputs and random targets for the last output. A plain RNN's \
            norms fall off geometrically going back (the vanishing gradient); GRU and LSTM keep them \
            up for many more steps. `relative` is the norm divided by the norm at the last step.
            """)

    @Option(name: .customLong("model"), help: "A many-to-one model file written by `forecast train` (then FILE is its data).")
    var modelPath: String?

    @Argument(help: "With --model: the data to take the windows from.")
    var file: String?

    @Option(help: "Without --model: cells to compare, comma-separated (\(ModelKind.names(ModelKind.networks))).",
            transform: { text in try text.split(separator: ",").map { try ModelKind.parseNetwork(String($0), flag: "--cells") } })
    var cells: [ModelKind] = [.rnn, .gru, .lstm]

    @Option(help: "Without --model: input steps.")
    var steps = 50

    @Option(help: "Without --model: hidden units.")
    var hidden = 32

    @Option(help: "Without --model: sequences in the batch.")
    var batch = 16

    @Option(help: "Seed for the weights and inputs.")
    var seed: UInt64 = 0

    @Option(name: [.customShort("o"), .long], help: "Also draw the report as an SVG file.")
    var output: String?

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    func validate() throws {
        if modelPath != nil && file == nil { throw ValidationError("--model needs the data FILE to take windows from.") }
        if modelPath == nil && file != nil { throw ValidationError("FILE goes with --model.") }
        try checkRanges([("--steps", steps, 2...100_000), ("--hidden", hidden, RecurrentConfiguration.Limits.hiddenSize),
                         ("--batch", batch, RecurrentConfiguration.Limits.batchSize)])
        // The gradient pass keeps [steps * batch, 4 * hidden] gate values per cell.
        if steps * batch * hidden > 1 << 28 {
            throw ValidationError("--steps \(steps) x --batch \(batch) x --hidden \(hidden) is \(steps * batch * hidden); at most \(1 << 28) fit in memory.")
        }
    }

    func run() throws {
        var flows: [(name: String, norms: [Double])] = []
        if let modelPath, let file {
            let model = try ModelFile.read(path: modelPath)
            let data = try DataOptions.parse([file, "--target", model.target])
            let frames = try SeriesInputs.history(try data.read(roles: model.roles), target: model.target, roles: model.roles,
                                                  source: file)
            guard let frame = frames.first else { throw CommandError(message: "\(file): no series") }
            try model.checkCompatible(with: frame, modelPath: modelPath)
            let series = try SeriesInputs.make([frame], target: model.target, roles: model.roles, policy: .interpolate, data: data,
                                               encoding: model.staticEncoding).series[0]
            let forecaster = try model.forecaster  // a baseline's file has no network: an error naming its kind
            let networks = forecaster.models  // a combination: each network
            for network in networks {
                let name = networks.count > 1 ? "\(network.name) \(network.configuration.normalization.rawValue)" : network.name
                flows.append((name, try network.gradientFlow(on: series)))
            }
        } else {
            var generator = SplitMix64(seed: seed ^ 0xD1A6)
            let x = (0..<(batch * steps)).map { _ in Float(generator.nextNormal()) }
            let y = (0..<batch).map { _ in Float(generator.nextNormal()) }
            for kind in cells {
                guard let cell = kind.cell else { continue }  // parseNetwork admits network kinds only
                let network = RecurrentNetwork(NetworkConfiguration(cell: cell, inputSize: 1, hiddenSize: hidden,
                                                                    outputSize: 1, outputMode: .lastStep), seed: seed)
                flows.append((kind.rawValue, network.gradientFlow(x, target: y, batch: batch, steps: steps)))
            }
        }
        print(render(flows))
        if let output { try writeAtomically(chart(flows).rendered(), to: output) }
    }

    /// Rows by steps back k = 0 (the last input) ... L - 1: each flow's norm and its ratio to k = 0.
    func render(_ flows: [(name: String, norms: [Double])]) -> String {
        let length = flows.map(\.norms.count).max() ?? 0
        let every = max(1, length / 40)
        let ks = Array(Set(stride(from: 0, to: length, by: every).map { $0 } + [length - 1])).sorted()
        switch format {
        case .json:
            return JSONValue.object(flows.map { flow in
                (flow.name, .array(flow.norms.reversed().map { JSONValue.finite($0) }))
            }).rendered()
        case .csv, .table:
            let header = ["steps_back"] + flows.flatMap { ["\($0.name)_norm", "\($0.name)_relative"] }
            let rows = ks.map { k in
                [String(k)] + flows.flatMap { flow -> [String] in
                    let norms = flow.norms, i = norms.count - 1 - k
                    guard i >= 0 else { return ["", ""] }
                    let relative = norms.last.map { norms[i] / $0 } ?? .nan
                    return format == .csv ? ["\(norms[i])", "\(relative)"]
                        : [formatNumber(norms[i], digits: 3), formatNumber(relative, digits: 3)]
                }
            }
            return renderRows(header: header, rows: rows, numeric: Set(header.indices), format: format)
        }
    }

    func chart(_ flows: [(name: String, norms: [Double])]) -> SVGChart {
        var panel = SVGChart.Panel(title: "Gradient flow: ||dLoss/dx_t|| relative to the last step", xLabel: "steps back",
                                   yLabel: "relative norm (log)")
        panel.logY = true
        panel.integerX = true
        for (i, flow) in flows.enumerated() {
            let last = flow.norms.last ?? 1
            panel.lines.append(SVGChart.Line(label: flow.name, points: flow.norms.reversed().enumerated().map {
                (Double($0.offset), $0.element / last)
            }, color: SVGChart.palette[i % SVGChart.palette.count], width: 2))
        }
        return SVGChart(panels: [panel])
    }
}
