import Forecasting
import Foundation
import Testing
import TestSupport

/// Runs `command` with each case's flags: exit 64 with the case's sentence, `output` not created.
func expectUsageErrors(_ command: [String], _ cases: [([String], String)], output: String) throws {
    for (flags, message) in cases {
        let result = try run(command + flags)
        #expect(result.code == 64, "\(flags): \(result.err)")
        #expect(result.err.contains(message), "\(flags): \(result.err)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}

/// Issue 14, family 2 (the model flags): every number is range-checked before anything
/// runs: exit 64 naming the flag and its range, never a trap, nothing written.
@Suite struct FlagRangeTests {
    @Test func modelFlagsOutsideTheirRangesAreUsageErrors() throws {
        let model = temporaryPath("never.safetensors")
        let cases: [([String], String)] = [
            (["--hidden", "100000000"], "--hidden must be in 1...4096, got 100000000."),
            (["--layers", "1000000"], "--layers must be in 1...16, got 1000000."),
            (["--horizon", "9223372036854775807"], "--horizon must be in 1...100000, got 9223372036854775807."),
            (["--input-window", "9223372036854775807"], "--input-window must be in 1...1000000, got 9223372036854775807."),
            (["--horizon", "0"], "--horizon must be in 1...100000, got 0."),
            (["--learning-rate", "nan"], "--learning-rate must be in (0, 10], got nan."),
            (["--learning-rate", "inf"], "--learning-rate must be in (0, 10], got inf."),
            (["--clip", "nan"], "--clip must be a finite number >= 0 (0: off), got nan."),
            (["--patience=-1"], "--patience must be in 0...1000000, got -1."),
        ]
        try expectUsageErrors(["train", "datasets/air_passengers_monthly.csv", "--model-out", model], cases, output: model)
    }
}

/// Issue 14, family 2 (backtest flags): the same rule for `backtest`: exit 64 naming the flag
/// and its range before any data is read, no store created.
@Suite struct BacktestFlagRangeTests {
    @Test func backtestFlagsOutsideTheirRangesAreUsageErrors() throws {
        let db = temporaryPath("never.db")
        let cases: [([String], String)] = [
            (["--origins", "9223372036854775807"], "--origins must be in 1...100000, got 9223372036854775807."),
            (["--origins", "0"], "--origins must be in 1...100000, got 0."),
            (["--origins", "3", "--step", "9223372036854775807"], "--step must be in 1...100000000, got 9223372036854775807."),
            (["--jobs", "0"], "--jobs must be in 1...1024, got 0."),
            (["--window", "1"], "--window must be in 2...100000000, got 1."),
            (["--refit-every", "0"], "--refit-every must be in 1...100000, got 0."),
            (["--gap=-1"], "--gap must be in 0...100000000, got -1."),
            (["--horizon", "9223372036854775807"], "--horizon must be in 1...100000, got 9223372036854775807."),
            (["--hidden", "100000000"], "--hidden must be in 1...4096, got 100000000."),
        ]
        try expectUsageErrors(["backtest", "datasets/air_passengers_monthly.csv", "--db", db], cases, output: db)
    }
}

/// Issue 14, family 2 (model files): a crafted or damaged model file is exit 65 naming the
/// metadata key or the tensor, before a network is allocated; never a trap, never a NaN forecast.
@Suite struct CraftedModelFileTests {
    /// The safetensors header of `bytes` (8-byte little-endian length, then JSON) and the data.
    func split(_ bytes: [UInt8]) throws -> (header: [String: Any], data: [UInt8]) {
        let length = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as! [String: Any]
        return (header, Array(bytes[(8 + length)...]))
    }

    func join(_ header: [String: Any], _ data: [UInt8]) throws -> [UInt8] {
        let json = [UInt8](try JSONSerialization.data(withJSONObject: header))
        return (0..<8).map { UInt8(truncatingIfNeeded: json.count >> (8 * $0)) } + json + data
    }

    @Test func hugeSizesInTheMetadataAndNaNWeightsAreDataErrors() throws {
        let model = temporaryPath("crafted.safetensors")
        let air = "datasets/air_passengers_monthly.csv"
        let trained = try run(["train", air, "--max-steps", "5", "--hidden", "4", "--model-out", model])
        #expect(trained.code == 0, "\(trained.err)")
        let (header, data) = try split([UInt8](try Data(contentsOf: URL(fileURLWithPath: model))))

        // hiddenSize 100000000 in the saved configuration.
        var metadata = header["__metadata__"] as! [String: String]
        var config = try JSONSerialization.jsonObject(with: Data(metadata["config"]!.utf8)) as! [String: Any]
        #expect(config["hiddenSize"] as? Int == 4)
        config["hiddenSize"] = 100_000_000
        metadata["config"] = String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self)
        var huge = header
        huge["__metadata__"] = metadata
        let hugePath = temporaryPath("huge.safetensors")
        try Data(try join(huge, data)).write(to: URL(fileURLWithPath: hugePath))
        let a = try run(["predict", "--model", hugePath, air])
        #expect(a.code == 65, "\(a.err)")
        #expect(a.err.contains("\(hugePath): not a model file of this tool: metadata \"config\": hiddenSize must be in 1...4096, got 100000000"),
                "\(a.err)")

        // A NaN as the first float of one weight tensor.
        let name = "rnn.weight_hh_l0"
        let offsets = (header[name] as! [String: Any])["data_offsets"] as! [Int]
        var poisoned = data
        let nan = Float.nan.bitPattern
        for k in 0..<4 { poisoned[offsets[0] + k] = UInt8(truncatingIfNeeded: nan >> (8 * UInt32(k))) }
        let nanPath = temporaryPath("nan.safetensors")
        try Data(try join(header, poisoned)).write(to: URL(fileURLWithPath: nanPath))
        let b = try run(["predict", "--model", nanPath, air])
        #expect(b.code == 65, "\(b.err)")
        #expect(b.err.contains("tensor \(name) holds nan at index 0"), "\(b.err)")
        #expect(b.out.isEmpty)
        // The untouched file still forecasts: the two refusals come from the edits.
        let good = try run(["predict", "--model", model, air])
        #expect(good.code == 0, "\(good.err)")
    }
}

/// Issue 15, the model registry: models and cells are named by `ModelKind` only; an unknown
/// name is a usage error listing the kinds, and every network kind can be chosen.
@Suite struct ModelKindFlagTests {
    @Test func unknownModelsAndCellsAreUsageErrorsListingTheKinds() throws {
        let db = temporaryPath("never.db")
        try expectUsageErrors(["backtest", "datasets/air_passengers_monthly.csv", "--db", db], [
            (["--models", "gru,arima"], "Unknown model \"arima\"; choose from naive, seasonal-naive, drift, mean, rnn, rnn-relu, gru, lstm."),
            (["--cell", "naive"], "--cell takes rnn, rnn-relu, gru, lstm, not \"naive\"."),
            (["--models", "naive,naive"], "--models names a model twice."),
        ], output: db)
    }

    @Test func theReLUCellIsAModelKindOfItsOwn() throws {
        let result = try run(["backtest", "datasets/air_passengers_monthly.csv", "--models", "rnn-relu,rnn,seasonal-naive",
                              "--origins", "1", "--hidden", "4", "--max-steps", "3", "--format", "csv"])
        #expect(result.code == 0, "\(result.err)")
        for kind in ["rnn-relu", "rnn", "seasonal-naive"] { #expect(result.out.contains("\n\(kind),"), "\(result.out)") }
    }
}

/// Issue 15, must not change: a model file written by the release before the redesign
/// (`Resources/release-0.1-gru.safetensors`, GRU with `auto` scaling, its combination members
/// included, trained on air passengers by commit 3caf073's binary) still loads and gives
/// the forecast that release gave: byte for byte on the kernel path it was written on
/// (AVX-512 with OpenBLAS's SkylakeX core, forced here), within 1e-6 relative on the path this
/// CPU chooses (another path sums in another order: README, "Determinism").
@Suite struct LegacyModelFileTests {
    @Test func aReleaseZeroOneModelFileForecastsAsItDid() throws {
        let resources = "Tests/ForecastCLITests/Resources"
        let arguments = ["predict", "--model", "\(resources)/release-0.1-gru.safetensors",
                         "datasets/air_passengers_monthly.csv", "--format", "csv"]
        let expected = try String(contentsOfFile: "\(resources)/release-0.1-gru.forecast.csv", encoding: .utf8)
        let result = try run(arguments)
        #expect(result.code == 0, "\(result.err)")
        let numbers = { (csv: String) in csv.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").last.flatMap { Double($0) } } }
        let gap = zip(numbers(result.out), numbers(expected)).map { abs($0 - $1) / abs($1) }.max() ?? .infinity
        #expect(numbers(result.out).count == 12 && gap <= 1e-6, "relative difference \(gap)")
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        if cpu.contains(" avx512f") {
            #expect(try run(arguments, environment: ["FORECAST_KERNELS": "avx512"]).out == expected)
        }
    }
}

/// Issue 15: `forecast train --stateful` in either mode, then `forecast update` over new rows
/// in two chunks gives the forecast of one update with all of them.
@Suite struct StatefulUpdateCLITests {
    /// Every mode the rule book lets be stateful.
    @Test(arguments: RecurrentConfiguration.Mode.allCases.filter { RuleBook.refusal(.init(mode: $0, stateful: true)) == nil }.map(\.rawValue))
    func twoUpdatesGiveTheForecastOfOne(_ mode: String) throws {
        let directory = temporaryPath("stateful-\(mode)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let lines = try String(contentsOfFile: packageRoot.appendingPathComponent("datasets/air_passengers_monthly.csv").path,
                               encoding: .utf8).split(separator: "\n")
        func write(_ name: String, rows: ClosedRange<Int>) throws -> String {
            let path = directory + "/" + name
            try (([lines[0]] + lines[rows]).joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
            return path
        }
        let past = try write("past.csv", rows: 1...120), middle = try write("middle.csv", rows: 1...132)
        let all = try write("all.csv", rows: 1...144)
        let (a, b, _) = try trainAndUpdateTwice(["train", past, "--stateful", "--mode", mode, "--hidden", "8", "--max-steps", "60"],
                                                directory: directory, middle: middle, all: all, newSteps: (24, 12))
        #expect(a.count == 12 && b.count == 12, "\(a) \(b)")
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($0)) }, "\(a) \(b)")
    }
}

/// The forecasts of a `--format csv` output: the last column of every row after the header.
func lastColumn(_ csv: String) -> [Double] {
    csv.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").last.flatMap { Double($0) } }
}

/// Runs `train` (with `--model-out` added), then updates one copy of the model with `all`
/// (`newSteps.all` new steps) and another with `middle` and then `all` (`newSteps.first`,
/// then the rest): the two forecasts, and the path of a third copy left as trained.
func trainAndUpdateTwice(_ train: [String], directory: String, middle: String, all: String,
                         newSteps: (all: Int, first: Int)) throws -> (once: [Double], twice: [Double], trained: String) {
    let once = directory + "/once.safetensors", twice = directory + "/twice.safetensors"
    let trained = directory + "/trained.safetensors"
    let result = try run(train + ["--model-out", once])
    #expect(result.code == 0, "\(result.err)")
    try FileManager.default.copyItem(atPath: once, toPath: twice)
    try FileManager.default.copyItem(atPath: once, toPath: trained)
    let one = try run(["update", "--model", once, all, "--format", "csv"])
    #expect(one.code == 0 && one.err.contains("\(newSteps.all) new steps"), "\(one.err)")
    #expect(try run(["update", "--model", twice, middle]).err.contains("\(newSteps.first) new steps"))
    let two = try run(["update", "--model", twice, all, "--format", "csv"])
    #expect(two.code == 0 && two.err.contains("\(newSteps.all - newSteps.first) new steps"), "\(two.err)")
    return (lastColumn(one.out), lastColumn(two.out), trained)
}

/// Issue 15: a baseline's model file (`train --kind`), refitted by `predict --model` on the
/// data given and advanced by `update`; crafted baseline states are data errors, never a trap.
@Suite struct BaselineModelFileTests {
    let air = "datasets/air_passengers_monthly.csv"

    @Test func aSeasonalNaiveFileForecastsAndUpdates() throws {
        let directory = temporaryPath("baseline-files")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let lines = try String(contentsOfFile: packageRoot.appendingPathComponent(air).path, encoding: .utf8).split(separator: "\n")
        let past = directory + "/past.csv", model = directory + "/sn.safetensors"
        try (lines[0...132].joined(separator: "\n") + "\n").write(toFile: past, atomically: false, encoding: .utf8)
        let trained = try run(["train", past, "--kind", "seasonal-naive", "--model-out", model])
        #expect(trained.code == 0 && trained.out.contains("fitted seasonal-naive on 132 observations"), "\(trained.err)")
        // The last season of the whole file: its last 12 values, in order.
        let last12 = lines[133...144].map { String($0.split(separator: ",")[1]) }
        let predicted = try run(["predict", "--model", model, air, "--format", "csv"])
        #expect(predicted.code == 0, "\(predicted.err)")
        let values = predicted.out.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[2]) }
        #expect(values.map { Double($0) } == last12.map { Double($0) })
        let updated = try run(["update", "--model", model, air, "--format", "csv"])
        #expect(updated.code == 0 && updated.err.contains("12 new steps"), "\(updated.err)")
        #expect(updated.out == predicted.out)  // update over the last 12 rows = a fit on all of them
        #expect(try run(["diagnose", "--model", model, air]).err.contains("holds a seasonal-naive baseline, not a network"))
    }

    @Test func craftedBaselineStatesAreDataErrors() throws {
        let model = temporaryPath("crafted-baseline.safetensors")
        #expect(try run(["train", air, "--kind", "seasonal-naive", "--model-out", model]).code == 0)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: model)))
        let length = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as! [String: Any]
        func crafted(_ edit: (inout [String: String]) -> Void) throws -> String {
            var copy = header, metadata = header["__metadata__"] as! [String: String]
            edit(&metadata)
            copy["__metadata__"] = metadata
            let json = [UInt8](try JSONSerialization.data(withJSONObject: copy))
            let path = temporaryPath("crafted-\(UUID().uuidString).safetensors")
            try Data((0..<8).map { UInt8(truncatingIfNeeded: json.count >> (8 * $0)) } + json).write(to: URL(fileURLWithPath: path))
            return path
        }
        let cases: [(String, (inout [String: String]) -> Void)] = [
            ("a seasonal naive model needs its last", { $0["baseline"] = #"{"lastSeason":[1,2],"observations":144,"period":0}"# }),
            ("a seasonal naive model needs its last", { $0["baseline"] = #"{"lastSeason":[1,2],"observations":144,"period":12}"# }),
            ("observations", { $0["baseline"] = #"{"lastSeason":[1,2,3,4,5,6,7,8,9,10,11,12],"observations":9223372036854775807,"period":12}"# }),
            ("unknown model kind \"arima\"", { $0["kind"] = "arima" }),
            ("metadata \"baseline\" is missing", { $0["baseline"] = nil }),
            ("metadata \"baseline\" is not valid", { $0["kind"] = "drift" }),  // a seasonal naive state is no drift's
            ("metadata \"baseline\" is not valid", { $0["baseline"] = "[]" }),
        ]
        for (message, edit) in cases {
            let path = try crafted(edit)
            for command in [["predict", "--model", path, air], ["update", "--model", path, air]] {
                let result = try run(command)
                #expect(result.code == 65 && result.err.contains("not a model file of this tool") && result.err.contains(message),
                        "\(command[0]) \(message): \(result.code) \(result.err)")
            }
        }
    }
}

/// Review findings on the redesign: inputs that reached an index or allocation unchecked.
@Suite struct ModelFileEdgeTests {
    let air = "datasets/air_passengers_monthly.csv"

    @Test func updateRefusesAGlobalModel() throws {
        let directory = temporaryPath("global-update")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        var rows = ["id,timestamp,value"]
        for id in ["a", "b"] {
            for t in 0..<60 {
                rows.append("\(id),2020-\(String(format: "%02d", t / 28 + 1))-\(String(format: "%02d", t % 28 + 1)),\(Double(t % 7) + (id == "a" ? 0 : 10))")
            }
        }
        let panel = directory + "/panel.csv", one = directory + "/one.csv", model = directory + "/global.safetensors"
        try (rows.joined(separator: "\n") + "\n").write(toFile: panel, atomically: false, encoding: .utf8)
        try ((rows.prefix(61) + ["a,2020-03-06,3"]).joined(separator: "\n") + "\n").write(toFile: one, atomically: false, encoding: .utf8)
        let trained = try run(["train", panel, "--series-column", "id", "--horizon", "3", "--season", "7", "--hidden", "4",
                               "--max-steps", "5", "--model-out", model])
        #expect(trained.code == 0, "\(trained.err)")
        let update = try run(["update", "--model", model, one, "--series-column", "id"])
        #expect(update.code == 64 && update.err.contains("a global model of 2 series; update takes a model of one series"), "\(update.err)")
    }

    @Test func craftedDataDescriptionsAndHugeGapsAreDataErrors() throws {
        let model = temporaryPath("edge.safetensors")
        #expect(try run(["train", air, "--max-steps", "3", "--hidden", "4", "--model-out", model]).code == 0)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: model)))
        let length = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as! [String: Any]
        let tensors = Array(bytes[(8 + length)...])
        func crafted(_ data: [String: Any]) throws -> String {
            var copy = header, metadata = header["__metadata__"] as! [String: String]
            var description = try JSONSerialization.jsonObject(with: Data(metadata["data"]!.utf8)) as! [String: Any]
            for (key, value) in data { description[key] = value }
            metadata["data"] = String(decoding: try JSONSerialization.data(withJSONObject: description), as: UTF8.self)
            copy["__metadata__"] = metadata
            let json = [UInt8](try JSONSerialization.data(withJSONObject: copy))
            let path = temporaryPath("edge-\(UUID().uuidString).safetensors")
            try Data((0..<8).map { UInt8(truncatingIfNeeded: json.count >> (8 * $0)) } + json + tensors).write(to: URL(fileURLWithPath: path))
            return path
        }
        for (data, message) in [(["covariates": ["passengers_thousands"]], "covariates"),
                                (["lastTimestampMicroseconds": Int64.max], "the last timestamp")] as [([String: Any], String)] {
            let result = try run(["predict", "--model", try crafted(data), air])
            #expect(result.code == 65 && result.err.contains(message), "\(message): \(result.err)")
        }
        // A row centuries after the model's last one: more new steps than an update takes.
        let far = temporaryPath("far.csv")
        let hourly = temporaryPath("hourly.safetensors")
        #expect(try run(["train", "datasets/nyc_ewr_weather_hourly.csv", "--target", "temperature_f", "--max-steps", "2",
                         "--hidden", "2", "--horizon", "3", "--model-out", hourly]).code == 0)
        try "timestamp,temperature_f\n4000-01-01T00:00:00Z,50\n".write(toFile: far, atomically: false, encoding: .utf8)
        let gap = try run(["update", "--model", hourly, far])
        #expect(gap.code == 65 && gap.err.contains("update takes at most 10000000 new steps"), "\(gap.err)")
    }

    @Test func aBaselineKeepsTheHorizonItWasFittedFor() throws {
        let model = temporaryPath("naive5.safetensors")
        #expect(try run(["train", air, "--kind", "naive", "--horizon", "5", "--model-out", model]).code == 0)
        let predicted = try run(["predict", "--model", model, air, "--format", "csv"])
        #expect(predicted.code == 0 && predicted.out.split(separator: "\n").count == 6, "\(predicted.out)")
    }
}

/// Issue 15: `update` takes the new rows' covariates (it refused covariate models before):
/// a stateful many-to-one model with a covariate, two updates = one.
@Suite struct CovariateUpdateCLITests {
    @Test func twoUpdatesWithCovariatesGiveTheForecastOfOne() throws {
        let directory = temporaryPath("covariate-update")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let lines = try String(contentsOfFile: packageRoot.appendingPathComponent("datasets/nyc_ewr_weather_hourly.csv").path,
                               encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        func write(_ name: String, rows: Int) throws -> String {
            let path = directory + "/" + name
            try (lines[0...rows].joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
            return path
        }
        let past = try write("past.csv", rows: 400), middle = try write("middle.csv", rows: 430), all = try write("all.csv", rows: 460)
        let (a, b, third) = try trainAndUpdateTwice(
            ["train", past, "--target", "temperature_f", "--covariates", "dewpoint_f", "--stateful",
             "--horizon", "6", "--season", "24", "--hidden", "6", "--max-steps", "40"],
            directory: directory, middle: middle, all: all, newSteps: (60, 30))
        #expect(a.count == 6 && b.count == 6, "\(a) \(b)")
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($0)) }, "\(a) \(b)")
        // The covariate moved the forecast: the same rows with another dewpoint give another one.
        let other = directory + "/other.csv"
        let changed = lines[0...460].enumerated().map { i, line -> String in
            guard i > 400 else { return String(line) }
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[2] = String((Double(fields[2]) ?? 0) + 15)
            return fields.joined(separator: ",")
        }
        try (changed.joined(separator: "\n") + "\n").write(toFile: other, atomically: false, encoding: .utf8)
        let moved = try run(["update", "--model", third, other, "--format", "csv"])
        #expect(moved.code == 0 && moved.err.contains("60 new steps"), "\(moved.err)")
        #expect(lastColumn(moved.out) != a)
    }
}
