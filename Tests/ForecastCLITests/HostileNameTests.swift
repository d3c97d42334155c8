import Foundation
import FoundationXML
import Ingestion
import Testing
import TestSupport

/// Issue 29, family 2: names come from the user's files and may hold separators, quotes,
/// line breaks, control characters and markup. Every output carries them exactly (CSV per
/// RFC 4180, JSON, the store) or escapes them (a table's cells and titles, SVG), so that
/// none can forge a row or break a format: each output is parsed back here.
@Suite(.serialized) struct HostileNameTests {
    /// A series id and a target column name that try everything at once.
    static let name = "evil,\"q\"\n1,2030-01-01,999\r\n<b>&amp;</b>\u{1}\u{1b}[31m ünï"
    static let target = "v<\"x\">,\n&y"

    /// RFC 4180 records of `text` (quoted fields with separators, quotes and line breaks).
    static func csvRecords(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = "", quoted = false, atStart = true
        var scalars = Array(text.unicodeScalars)[...]
        while let c = scalars.popFirst() {
            if quoted {
                if c == "\"" {
                    if scalars.first == "\"" { scalars.removeFirst(); field.unicodeScalars.append("\"") } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && atStart {
                quoted = true
                atStart = false
            } else if c == "," {
                record.append(field); field = ""; atStart = true
            } else if c == "\n" || c == "\r" {
                if c == "\r" && scalars.first == "\n" { scalars.removeFirst() }
                record.append(field); records.append(record); record = []; field = ""; atStart = true
            } else {
                field.unicodeScalars.append(c)
                atStart = false
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }

    /// The values of column `column` of CSV `text` (header first), each record as wide as the header.
    static func column(_ column: String, of text: String) throws -> [String] {
        let records = csvRecords(text)
        let header = try #require(records.first)
        let i = try #require(header.firstIndex(of: column), "\(header)")
        for record in records { #expect(record.count == header.count, "\(record)") }
        return records.dropFirst().map { $0[i] }
    }

    /// Every string value under `key` anywhere in JSON `text` (which must parse).
    static func strings(_ key: String, in text: String) throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        var found: [String] = []
        func walk(_ value: Any) {
            if let dictionary = value as? [String: Any] {
                for (k, v) in dictionary {
                    if k == key, let s = v as? String { found.append(s) }
                    walk(v)
                }
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(object)
        return found
    }

    /// A table for people: no control character but the line breaks between its lines.
    static func expectSafeTable(_ text: String, _ what: String) {
        let bad = text.unicodeScalars.first { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
        #expect(bad == nil, "\(what): control character \(bad.map { String($0.value, radix: 16) } ?? "")")
        #expect(text.contains("evil,\"q\"\\n1,2030-01-01,999\\r\\n<b>&amp;</b>\\u{1}\\u{1b}[31m ünï"), "\(what): \(text)")
    }

    /// A long-format panel of two series, one of them with the hostile name, the target the hostile column.
    func panel() throws -> String {
        let path = temporaryPath("hostile.csv")
        var lines = ["id,date,\"" + Self.target.replacingOccurrences(of: "\"", with: "\"\"") + "\""]
        for (id, level) in [("plain", 10.0), (Self.name, 100.0)] {
            for t in 0..<60 {
                let day = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: 1_704_067_200 + Double(t) * 86_400)).prefix(10)
                let quoted = "\"" + id.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                lines.append("\(quoted),\(day),\(level * (1 + 0.2 * sin(Double(t))))")
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    @Test func aHostileNameGoesThroughEveryCommandAndFormat() throws {
        let file = try panel()
        let data = [file, "--series-column", "id", "--target", Self.target]
        let small = ["--horizon", "3", "--season", "7", "--hidden", "2", "--max-steps", "3"]

        // inspect: the table escapes, JSON carries the name exactly.
        let inspect = try run(["inspect"] + data)
        #expect(inspect.code == 0, "\(inspect.err)")
        Self.expectSafeTable(inspect.out, "inspect")
        let inspectJSON = try run(["inspect"] + data + ["--format", "json"])
        #expect(try Self.strings("series", in: inspectJSON.out).contains(Self.name))
        #expect(try Self.strings("name", in: inspectJSON.out).contains(Self.target))

        // predict: CSV (RFC 4180) and the tool's own CSV reader read the name back; JSON too.
        let predictCSV = try run(["predict"] + data + small + ["--format", "csv"])
        #expect(predictCSV.code == 0, "\(predictCSV.err)")
        #expect(Set(try Self.column("series", of: predictCSV.out)) == ["plain", Self.name])
        let written = temporaryPath("forecast.csv")
        try predictCSV.out.write(toFile: written, atomically: false, encoding: .utf8)
        let frames = try CSVReader(selection: ColumnSelection(target: "forecast", seriesColumn: "series")).read(path: written)
        #expect(frames.compactMap(\.series) == ["plain", Self.name] && frames.allSatisfy { $0.rowCount == 3 })
        let predictJSON = try run(["predict"] + data + small + ["--format", "json"])
        #expect(Set(try Self.strings("series", in: predictJSON.out)) == ["plain", Self.name])
        #expect(Set(try Self.strings("target", in: predictJSON.out)) == [Self.target])
        Self.expectSafeTable(try run(["predict"] + data + small).out, "predict")

        // backtest into a store, then every reader of the store.
        let db = temporaryPath("hostile.db")
        let backtest = try run(["backtest"] + data + small + ["--models", "gru,naive", "--origins", "2", "--per-series", "all",
                                                            "--db", db])
        #expect(backtest.code == 0, "\(backtest.err)")
        Self.expectSafeTable(backtest.out, "backtest")
        for command in [["report", "--db", db, "--run", "1"], ["runs", "--db", db],
                        ["query", "--db", db, "SELECT DISTINCT series, model FROM forecasts"]] {
            let table = try run(command)
            #expect(table.code == 0, "\(command[0]): \(table.err)")
            if command[0] != "runs" { Self.expectSafeTable(table.out, command[0]) }  // runs names the file and target only
            let csv = try run(command + ["--format", "csv"])
            let json = try run(command + ["--format", "json"])
            #expect(csv.code == 0 && json.code == 0, "\(command[0]): \(csv.err)\(json.err)")
            if command[0] == "runs" {
                #expect(try Self.column("target", of: csv.out) == [Self.target])
                #expect(try Self.strings("target", in: json.out) == [Self.target])
            } else {
                #expect(Set(try Self.column("series", of: csv.out)).isSuperset(of: ["plain", Self.name]), "\(command[0])")
                #expect(Set(try Self.strings("series", in: json.out)).isSuperset(of: ["plain", Self.name]), "\(command[0])")
            }
        }
        // The store holds the name exactly.
        let stored = try run(["query", "--db", db, "--format", "json", "SELECT DISTINCT series FROM origins ORDER BY series"])
        #expect(try Self.strings("series", in: stored.out) == ["plain", Self.name].sorted())

        // plot: well-formed XML whatever the name, the series or the aggregate drawn.
        for extra in [["--series", Self.name], []] {
            let svg = temporaryPath("plot.svg")
            let plot = try run(["plot", "--db", db, "--run", "1", "-o", svg] + extra)
            #expect(plot.code == 0, "\(plot.err)")
            let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: svg)))
            #expect(parser.parse(), "plot \(extra): \(parser.parserError.map { "\($0)" } ?? "")")
        }

        // An error naming the series stays one line on stderr.
        let missing = try run(["plot", "--db", db, "--run", "1", "-o", temporaryPath("p.svg"), "--series", Self.name + "?"])
        #expect(missing.code == 64 && missing.err.split(separator: "\n").count == 1 && missing.err.contains("\\u{1b}[31m ünï?"),
                "\(missing.err)")
    }
}
