import Foundation
import Testing
import TestSupport

/// Issue 31 on the command line: where the values of covariates known in advance come from
/// (the rows after the last observed target, or `--future FILE`), what a missing one says,
/// static covariates of a panel (constant columns or a `--static` table), roles in the model
/// file, `update`, `inspect` and the store.
@Suite struct RoleCLITests {
    let chicago = "datasets/chicago_ridership_daily.csv"
    let known = "us_holiday,bulls_home,bears_home,temp_f,precip_in"
    let small = ["--target", "ridership_thousands", "--hidden", "4", "--max-steps", "20"]

    /// The Chicago file with its target emptied on the last `blank` rows (the future rows),
    /// and `edit` applied to the fields of each data row (its 0-based index).
    func chicagoWithFuture(blank: Int = 14, edit: (Int, inout [String]) -> Void = { _, _ in }) throws -> String {
        let lines = try String(contentsOfFile: packageRoot.appendingPathComponent(chicago).path, encoding: .utf8)
            .split(separator: "\n").map(String.init)
        var out = [lines[0]]
        for (i, line) in lines.dropFirst().enumerated() {
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if i >= lines.count - 1 - blank { fields[1] = "" }
            edit(i, &fields)
            out.append(fields.joined(separator: ","))
        }
        let path = temporaryPath("chicago.csv")
        try (out.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    @Test func futureValuesComeFromTheRowsAfterTheHistoryOrAFile() throws {
        let file = try chicagoWithFuture()
        let args = ["predict", file, "--future-covariates", known, "--format", "csv"] + small
        let inFile = try run(args)
        #expect(inFile.code == 0, "\(inFile.err)")
        #expect(inFile.out.hasPrefix("step,timestamp,forecast\n1,2016-08-15,"), "\(inFile.out)")
        // The same values in a side file give the same forecast.
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        let future = temporaryPath("future.csv")
        try ([String(lines[0])] + lines.suffix(14).map(String.init)).joined(separator: "\n").write(toFile: future, atomically: false,
                                                                                                    encoding: .utf8)
        let history = temporaryPath("history.csv")
        try (lines.dropLast(14).joined(separator: "\n") + "\n").write(toFile: history, atomically: false, encoding: .utf8)
        let fromFile = try run(["predict", history, "--future-covariates", known, "--future", future, "--format", "csv"] + small)
        #expect(fromFile.code == 0 && fromFile.out == inFile.out, "\(fromFile.err)")
        // None there: refused, naming the first step missing and how many are.
        let none = try run(["predict", history, "--future-covariates", known] + small)
        #expect(none.code == 65 && none.err.contains("70 of 70 are missing, the first at 2016-08-15 (us_holiday)"), "\(none.err)")
        let gap = try chicagoWithFuture { i, fields in if i == 5690 { fields[9] = "" } }  // bulls_home on a future row
        let missing = try run(["predict", gap, "--future-covariates", known] + small)
        #expect(missing.code == 65 && missing.err.contains("1 of 70 are missing, the first at 2016-08-21 (bulls_home)")
                && missing.err.split(separator: "\n").count == 1, "\(missing.err)")
    }

    /// Roles survive the model file: `predict --model` forecasts what `predict` does, and
    /// `update` takes the new rows with their known inputs and forecasts from the rows after.
    @Test func rolesSurviveTheModelFileAndUpdate() throws {
        let file = try chicagoWithFuture(blank: 16)
        let model = temporaryPath("roles.safetensors")
        let trained = try run(["train", file, "--future-covariates", known, "--covariates", "temp_max_f", "--model-out", model] + small)
        #expect(trained.code == 0, "\(trained.err)")
        let direct = try run(["predict", file, "--future-covariates", known, "--covariates", "temp_max_f", "--format", "csv"] + small)
        let saved = try run(["predict", "--model", model, file, "--format", "csv"])
        #expect(saved.code == 0 && saved.out == direct.out, "\(saved.err)")
        // Two more observed days, the rest still to come: update advances and forecasts again.
        let later = try chicagoWithFuture(blank: 14)
        let updated = try run(["update", "--model", model, later, "--format", "csv"])
        #expect(updated.code == 0 && updated.out.hasPrefix("step,timestamp,forecast\n1,2016-08-15,"), "\(updated.err)\(updated.out)")
        #expect(updated.err.contains("2 new steps"), "\(updated.err)")
    }

    /// A long-format panel with a static attribute per series: constant columns of the data or
    /// a side table; a column that varies within a series, or a series missing from the table,
    /// is an error naming it; the store keeps the roles in the run's configuration.
    @Test func staticCovariatesOfAPanel() throws {
        let panel = temporaryPath("panel.csv")
        var rows = ["id,date,value,known,site"]
        for (name, site) in [("a", "north"), ("b", "south"), ("c", "north")] {
            for t in 0..<80 {
                let day = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: 1_704_067_200 + Double(t) * 86_400)).prefix(10)
                let known = Double(t % 4)
                rows.append("\(name),\(day),\(10 + known * (site == "north" ? 2 : -2) + Double(t % 7)),\(known),\(site)")
            }
        }
        try (rows.joined(separator: "\n") + "\n").write(toFile: panel, atomically: false, encoding: .utf8)
        let db = temporaryPath("roles.db")
        let args = ["backtest", panel, "--series-column", "id", "--target", "value", "--models", "gru,naive", "--origins", "2",
                    "--horizon", "4", "--season", "7", "--hidden", "4", "--max-steps", "20", "--future-covariates", "known"]
        let fromColumns = try run(args + ["--static-covariates", "site", "--categorical", "site", "--db", db])
        #expect(fromColumns.code == 0, "\(fromColumns.err)")
        let config = try run(["query", "--db", db, "--format", "csv", "SELECT json_extract(config_json, '$.future_covariates'), json_extract(config_json, '$.static_covariates') FROM runs"])
        #expect(config.out.hasSuffix("\n\"[\"\"known\"\"]\",\"[\"\"site\"\"]\"\n"), "\(config.out)")
        // The same attributes from a side table.
        let table = temporaryPath("sites.csv")
        try "id,site\na,north\nb,south\nc,north\n".write(toFile: table, atomically: false, encoding: .utf8)
        let fromTable = try run(args + ["--static", table, "--static-covariates", "site", "--categorical", "site", "--format", "csv"])
        let fromColumnsCSV = try run(args + ["--static-covariates", "site", "--categorical", "site", "--format", "csv"])
        #expect(fromTable.code == 0 && fromTable.out == fromColumnsCSV.out, "\(fromTable.err)")
        try "id,site\na,north\nb,south\n".write(toFile: table, atomically: false, encoding: .utf8)
        let absent = try run(args + ["--static", table, "--static-covariates", "site", "--categorical", "site"])
        #expect(absent.code == 65 && absent.err.contains("no row for series \"c\""), "\(absent.err)")
        // A static column that varies within a series.
        rows[5] = rows[5].replacingOccurrences(of: ",north", with: ",south")
        try (rows.joined(separator: "\n") + "\n").write(toFile: panel, atomically: false, encoding: .utf8)
        let varying = try run(args + ["--static-covariates", "site", "--categorical", "site"])
        #expect(varying.code == 65 && varying.err.contains(":6:5: series \"a\": static covariate \"site\" is \"south\" here but \"north\" on line 2"),
                "\(varying.err)")
        // Text as a static covariate needs --categorical; static covariates need a global model.
        let text = try run(args + ["--static-covariates", "site"])
        #expect(text.code == 65 && text.err.contains(":2:5: column \"site\": expected a number, found \"north\""), "\(text.err)")
        let perSeries = try run(args + ["--static-covariates", "site", "--categorical", "site", "--no-global"])
        #expect(perSeries.code == 64 && perSeries.err.contains("--static-covariates describe the series of a global network"), "\(perSeries.err)")
        // A column in two roles.
        let twice = try run(args + ["--covariates", "known"])
        #expect(twice.code == 64 && twice.err.contains("column \"known\" is named by --covariates and by --future-covariates"), "\(twice.err)")
    }

    @Test func inspectShowsRolesAndFutureRows() throws {
        let file = try chicagoWithFuture()
        let table = try run(["inspect", file, "--target", "ridership_thousands", "--future-covariates", "us_holiday",
                             "--covariates", "temp_max_f"])
        #expect(table.code == 0, "\(table.err)")
        #expect(table.out.contains("future rows  14 after the last observed ridership_thousands (2016-08-15 .. 2016-08-28)"), "\(table.out)")
        #expect(table.out.contains("us_holiday           future") && table.out.contains("temp_max_f           past"), "\(table.out)")
    }
}
