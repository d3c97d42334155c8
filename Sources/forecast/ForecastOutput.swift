import Forecasting
import Neural
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

    func render(_ format: OutputFormat) -> String {
        let steps = 1...forecast.horizon
        switch format {
        case .csv:
            return ([columns.joined(separator: ",")] + steps.map { h in
                ([String(h), timestamp(step: h)] + values(step: h).map { "\($0)" }).joined(separator: ",")
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
            return "\(series): \(target), \(model) forecast\n" + table.rendered()
        }
    }
}
