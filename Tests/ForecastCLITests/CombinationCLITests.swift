import Forecasting
import Foundation
import Testing
import TestSupport

/// Issue 29, family 1: every combination of flags the tool cannot do is refused (exit 64, a
/// sentence naming the flags), none traps; every column has one role.
@Suite struct CombinationCLITests {
    let air = "datasets/air_passengers_monthly.csv"
    let tiny = ["--hidden", "2", "--max-steps", "2", "--epochs", "1", "--samples", "4"]

    /// Every mode x head x stateful x global (one series, or a two-series panel): `predict`
    /// exits 0 with a forecast exactly when the rule book accepts the combination, else 64
    /// with its sentence; never a trap.
    @Test func everyModeHeadStatefulAndGlobalExitsZeroOr64() throws {
        let panel = temporaryPath("panel.csv")
        try PanelBacktestTests().panel(panel)
        let heads: [(flags: [String], head: RecurrentConfiguration.Head)] = [
            ([], .point), (["--quantiles", "0.1,0.5,0.9"], .quantiles([0.1, 0.5, 0.9])), (["--gaussian"], .gaussian),
        ]
        for mode in RecurrentConfiguration.Mode.allCases {
            for head in heads {
                for stateful in [false, true] {
                    for global in [false, true] {
                        let choices = RuleBook.Choices(mode: mode, head: head.head, stateful: stateful, global: global)
                        let data = global ? [panel, "--series-column", "id", "--horizon", "7", "--season", "7"] : [air]
                        let arguments = ["predict"] + data + ["--mode", mode.rawValue] + head.flags
                            + (stateful ? ["--stateful"] : []) + tiny + ["--format", "csv"]
                        let result = try run(arguments)
                        if let sentence = RuleBook.refusal(choices) {
                            #expect(result.code == 64 && result.err.contains(String(sentence.dropFirst())), "\(choices): \(result.err)")
                            #expect(result.out.isEmpty)
                        } else {
                            #expect(result.code == 0, "\(choices): \(result.err)")
                            #expect(result.out.hasPrefix(global ? "series,step," : "step,"), "\(choices)")
                        }
                    }
                }
            }
        }
    }

    /// The combinations a backtest adds: conformal intervals with warm refits or a global
    /// network, are refused before any data are read.
    @Test func backtestRefusesConformalWithWarmRefitsOrGlobal() throws {
        let warm = try run(["backtest", air, "--conformal", "0.8", "--refit", "warm"] + tiny)
        #expect(warm.code == 64 && warm.err.contains("--refit warm"), "\(warm.err)")
        let global = try run(["backtest", air, "--conformal", "0.8", "--global"] + tiny)
        #expect(global.code == 64 && global.err.contains("--no-global"), "\(global.err)")
        let gaussian = try run(["train", air, "--mode", "encoder-decoder", "--gaussian", "--model-out", temporaryPath("m")] + tiny)
        #expect(gaussian.code == 64 && gaussian.err.contains("--mode encoder-decoder has a point decoder only: no --gaussian"),
                "\(gaussian.err)")
        let twice = try run(["predict", air, "--quantiles", "0.1,0.1,0.9"] + tiny)
        #expect(twice.code == 64 && twice.err.contains("--quantiles names the level 0.1 twice"), "\(twice.err)")
    }

    /// A column named for two roles (time, target, series id, covariate), from CSV and SQLite
    /// alike, in `inspect`, `train` and `backtest`: exit 64 naming the column and both flags.
    @Test func aColumnHasOneRole() throws {
        let db = temporaryPath("air.db")
        #expect(try run(["backtest", air, "--models", "naive", "--origins", "1", "--db", db]).code == 0)
        let sources: [[String]] = [
            [air],
            ["--sqlite", db, "--sql", "SELECT target_time AS timestamp, forecast AS passengers_thousands FROM forecasts"],
        ]
        let cases: [([String], String)] = [
            (["--target", "passengers_thousands", "--series-column", "passengers_thousands"],
             "column \"passengers_thousands\" is named by --series-column and by --target"),
            (["--series-column", "timestamp"], "column \"timestamp\" is the time column"),
            (["--time-column", "passengers_thousands", "--target", "passengers_thousands"],
             "column \"passengers_thousands\" is named by --time-column and by --target"),
            (["--target", "passengers_thousands", "--covariates", "passengers_thousands"],
             "column \"passengers_thousands\" is named by --target and by --covariates"),
        ]
        for source in sources {
            for (flags, sentence) in cases {
                for command in [["inspect"], ["train", "--model-out", temporaryPath("m")] + tiny,
                                ["backtest", "--models", "gru", "--origins", "1"] + tiny] {
                    if command[0] == "inspect" && flags.contains("--covariates") { continue }  // inspect has no model flags
                    let result = try run(command + source + flags)
                    #expect(result.code == 64 && result.err.contains(sentence), "\(command[0]) \(flags): \(result.err)")
                    #expect(result.err.split(separator: "\n").count == 1, "\(result.err)")
                }
            }
        }
    }
}

/// Issue 29, family 5: messages name what is wrong, exit codes are the documented ones.
@Suite struct MessageTests {
    /// A series of one row in a panel is refused naming the series and its line.
    @Test func aOneRowSeriesOfAPanelIsNamed() throws {
        let file = temporaryPath("panel.csv")
        try PanelBacktestTests().panel(file)
        try (String(contentsOfFile: file, encoding: .utf8) + "lonely,2024-01-01,5\n").write(toFile: file, atomically: false, encoding: .utf8)
        let result = try run(["backtest", file, "--series-column", "id", "--models", "naive", "--origins", "2"])
        let lines = (try String(contentsOfFile: file, encoding: .utf8)).split(separator: "\n").count
        #expect(result.code == 65 && result.err == "forecast: error: \(file):\(lines): series \"lonely\": 1 row is too few for these origins and a horizon of 10\n",
                "\(result.err)")
    }

    /// A `--sql` result with two columns of one name is refused, as the CSV reader refuses a
    /// header that names a column twice.
    @Test func aQueryWithTwoColumnsOfOneNameIsRefused() throws {
        let db = temporaryPath("air.db")
        #expect(try run(["backtest", "datasets/air_passengers_monthly.csv", "--models", "naive", "--origins", "1", "--db", db]).code == 0)
        let result = try run(["inspect", "--sqlite", db, "--sql", "SELECT target_time, forecast AS v, actual AS v FROM forecasts"])
        #expect(result.code == 65 && result.err == "forecast: error: \(db): column 3: column name \"v\" appears twice in the header\n",
                "\(result.err)")
    }

    /// The wrong values a user gives are exit 64 or 65, never 1: a run that is not complete
    /// to `report`, a series a run does not have to `plot`.
    @Test func wrongValuesAreUsageOrDataErrors() throws {
        let db = temporaryPath("air.db")
        #expect(try run(["backtest", "datasets/air_passengers_monthly.csv", "--models", "naive", "--origins", "2", "--db", db]).code == 0)
        let plot = try run(["plot", "--db", db, "--run", "1", "--series", "nope", "-o", temporaryPath("p.svg")])
        #expect(plot.code == 64 && plot.err.contains("has no forecasts of series \"nope\""), "\(plot.err)")
        let missingRun = try run(["report", "--db", db, "--run", "9"])
        #expect(missingRun.code == 64, "\(missingRun.err)")
    }
}
