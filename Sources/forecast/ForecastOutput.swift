import Forecasting
import Foundation
import Neural
import Storage
import Support
import TimeSeries

/// Prints a forecast as a table, CSV or JSON, with timestamps that continue the series.
struct ForecastOutput {
    var series: String
    var target: String
    var model: String
    var forecast: Forecast
    var frequency: Frequency
    var lastTimestamp: Timestamp?
    var style: TimestampStyle
    /// The row index of the last observation, for series without timestamps.
    var lastIndex: Int

    func timestamp(step h: Int) -> String {
        guard let lastTimestamp else { return String(lastIndex + h) }
        return frequency.advance(lastTimestamp, by: h).formatted(style)
    }

    var columns: [String] {
        ["step", lastTimestamp == nil ? "row" : "timestamp", "forecast"]
            + forecast.intervals.flatMap { ["lower_\(percent($0.coverage))", "upper_\(percent($0.coverage))"] }
    }

    func percent(_ coverage: Double) -> String { String(Int((coverage * 100).rounded())) }

    func values(step h: Int) -> [Double] {
        [forecast.point[h - 1]] + forecast.intervals.flatMap { [$0.lower[h - 1], $0.upper[h - 1]] }
    }

    /// Several series: tables one after another, CSV with a leading `series` column, JSON as
    /// an array; one series renders as itself.
    static func render(_ outputs: [ForecastOutput], _ format: OutputFormat) -> String {
        guard outputs.count > 1 else { return outputs.first?.render(format) ?? "" }
        switch format {
        case .table: return outputs.map { $0.render(.table) }.joined(separator: "\n\n")
        case .json: return "[\n" + outputs.map { $0.render(.json) }.joined(separator: ",\n") + "\n]"
        case .csv:
            let lines = outputs.enumerated().flatMap { i, output in
                output.render(.csv).split(separator: "\n").enumerated().compactMap { row, line -> String? in
                    if row == 0 { return i == 0 ? "series," + line : nil }
                    return csvField(output.series) + "," + line  // a name from the data: quoted as RFC 4180 says
                }
            }
            return lines.joined(separator: "\n")
        }
    }

    func render(_ format: OutputFormat) -> String {
        let steps = 1...forecast.horizon
        switch format {
        case .csv:
            return ([columns.map(csvField).joined(separator: ",")] + steps.map { h in
                ([String(h), csvField(timestamp(step: h))] + values(step: h).map { "\($0)" }).joined(separator: ",")
            }).joined(separator: "\n")
        case .json:
            let rows = steps.map { h -> JSONValue in
                var pairs: [(String, JSONValue)] = [("step", .integer(h)), (columns[1], .string(timestamp(step: h)))]
                for (name, value) in zip(columns.dropFirst(2), values(step: h)) { pairs.append((name, .finite(value))) }
                return .object(pairs)
            }
            return JSONValue.object([("series", .string(series)), ("target", .string(target)), ("model", .string(model)),
                                     ("horizon", .integer(forecast.horizon)), ("forecasts", .array(rows))]).rendered()
        case .table:
            var table = TextTable(header: columns, rightAligned: Set(2..<columns.count).union([0]))
            for h in steps {
                table.rows.append([String(h), timestamp(step: h)] + values(step: h).map { formatNumber($0) })
            }
            return terminalSafe("\(series): \(target), \(model) forecast") + "\n" + table.rendered()
        }
    }

    /// Stores `outputs` as one `predict` run of `store` (opened before the work, so a store
    /// that cannot be written fails at once): a row per series and step, with the interval
    /// of `Store.storedInterval` (nearest 80%) as lower and upper. `predict --db` and `update --db`
    /// record through here.
    static func record(_ outputs: [ForecastOutput], in store: Store, dataset: String, configJSON: String) throws {
        let now = Timestamp.nowUTC()
        let run = try store.beginRun(kind: .predict, dataset: dataset, target: outputs.first?.target ?? "",
                                     configJSON: configJSON, toolVersion: toolVersion, createdAt: now)
        do {
            let rows = outputs.flatMap { o in
                let interval = Store.storedInterval(o.forecast.intervals.map(\.coverage)).map { o.forecast.intervals[$0] }
                return (1...o.forecast.horizon).map { h in
                    Store.ForecastRow(model: o.model, series: o.series, origin: 1,
                                      originTime: o.lastTimestamp.map { $0.formatted(.utc) }, step: h,
                                      targetTime: o.lastTimestamp.map { _ in o.timestamp(step: h) },
                                      forecast: o.forecast.point[h - 1], lower: interval?.lower[h - 1],
                                      upper: interval?.upper[h - 1])
                }
            }
            try store.insert(rows, run: run)
            try store.finishRun(run, status: .complete)
        } catch {
            try? store.finishRun(run, status: .failed)
            throw error
        }
    }
}
