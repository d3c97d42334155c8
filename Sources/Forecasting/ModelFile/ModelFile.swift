import Foundation
import Neural
import TimeSeries

/// A fitted model in one safetensors file: its kind (metadata `kind`, a `ModelKind`; files
/// written before it existed hold networks), for a network its tensors under PyTorch's
/// names and in `__metadata__` the configuration and the fitted state (scalers, the window
/// the next forecast starts from), for a baseline its fitted state (metadata `baseline`, no
/// tensors); for both the data's columns, frequency and last timestamp, and where the model
/// came from. `safetensors.torch.load_file` opens it.
public struct ModelFile {
    /// The metadata `format` value of files this version writes and reads.
    public static let format = "forecast-model/1"

    /// What a model file holds.
    public enum Model {
        case network(RecurrentForecaster)
        case baseline(any Baseline)

        /// Its kind in the registry.
        public var kind: ModelKind {
            switch self {
            case .network(let forecaster): forecaster.kind
            case .baseline(let baseline): baseline.kind
            }
        }
    }

    public var model: Model
    /// Observations the model has seen, training and updates.
    public var observations: Int {
        switch model {
        case .network(let forecaster): forecaster.state.observations
        case .baseline(let baseline): baseline.observations
        }
    }
    /// The network of a network's model file; a baseline's file throws, naming its kind.
    public var forecaster: RecurrentForecaster {
        get throws {
            guard case .network(let forecaster) = model else {
                throw ForecastingError.invalidConfiguration("the model file holds a \(model.kind.rawValue) baseline, not a network")
            }
            return forecaster
        }
    }
    public var target: String
    public var covariates: [String]
    public var frequency: Frequency
    public var timestampStyle: TimestampStyle
    public var lastTimestamp: Timestamp?
    /// Tool version, data file, its FNV-1a hash, seed, creation time.
    public var provenance: [String: String]
    /// A baseline's forecast horizon (metadata `horizon`; a network's is in its configuration).
    public var horizon: Int?
    /// The steps a forecast takes when none are asked: a network's horizon, a baseline's
    /// saved one (or, in a file without it, the frequency's, as `train` chooses).
    public var forecastHorizon: Int {
        switch model {
        case .network(let forecaster): forecaster.configuration.horizon
        case .baseline: horizon ?? frequency.protocolDefaults.horizon
        }
    }

    /// A model file's contents from a fitted forecaster and what it was fitted on.
    public init(forecaster: RecurrentForecaster, target: String, covariates: [String], frequency: Frequency,
                timestampStyle: TimestampStyle, lastTimestamp: Timestamp?, provenance: [String: String]) {
        self.init(model: .network(forecaster), target: target, covariates: covariates, frequency: frequency,
                  timestampStyle: timestampStyle, lastTimestamp: lastTimestamp, provenance: provenance)
    }

    /// A model file's contents from a fitted model of any kind and what it was fitted on.
    public init(model: Model, target: String, covariates: [String], frequency: Frequency,
                timestampStyle: TimestampStyle, lastTimestamp: Timestamp?, provenance: [String: String]) {
        self.model = model
        self.target = target
        self.covariates = covariates
        self.frequency = frequency
        self.timestampStyle = timestampStyle
        self.lastTimestamp = lastTimestamp
        self.provenance = provenance
    }

    private struct MemberDescription: Codable {
        var config: RecurrentConfiguration
        var state: RecurrentForecaster.FittedState
    }

    private struct DataDescription: Codable {
        var target: String
        var covariates: [String]
        var frequency: String
        var timestampStyle: TimestampStyle
        var lastTimestampMicroseconds: Int64?
        var lastTimestamp: String?
    }

    /// Writes the file with `SafeFile` (a temporary file renamed into place; the mode of an
    /// existing file kept).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        let data = DataDescription(target: target, covariates: covariates, frequency: frequency.code,
                                   timestampStyle: timestampStyle, lastTimestampMicroseconds: lastTimestamp?.microseconds,
                                   lastTimestamp: lastTimestamp?.formatted(timestampStyle))
        var metadata = provenance.mapKeys { "provenance." + $0 }
        metadata["format"] = Self.format
        metadata["kind"] = model.kind.rawValue
        if let horizon { metadata["horizon"] = String(horizon) }
        metadata["data"] = try json(data)
        let forecaster: RecurrentForecaster
        switch model {
        case .baseline(let baseline):
            metadata["baseline"] = try json(baseline)
            return try SafeTensors.write(SafeTensors.File(tensors: [:], metadata: metadata), to: path)
        case .network(let network): forecaster = network
        }
        guard let network = forecaster.network else { throw ForecastingError.notFitted(model: forecaster.name) }
        metadata["config"] = try json(forecaster.configuration)
        metadata["state"] = try json(forecaster.state)
        var tensors = network.namedTensors
        // A combination's other networks: tensors under `members.K.`, their configuration
        // and state in metadata `members` (K counts from 1, in that array's order).
        if !forecaster.members.isEmpty {
            var described: [MemberDescription] = []
            for (k, member) in forecaster.members.enumerated() {
                guard let memberNetwork = member.network else { throw ForecastingError.notFitted(model: member.name) }
                for (name, tensor) in memberNetwork.namedTensors { tensors["members.\(k + 1).\(name)"] = tensor }
                described.append(MemberDescription(config: member.configuration, state: member.state))
            }
            metadata["members"] = try json(described)
        }
        if let decoder = forecaster.decoder {
            // As a PyTorch module with `encoder` and `decoder` recurrent layers and a `head`.
            tensors = [:]
            for (name, tensor) in network.namedTensors where name.hasPrefix("rnn.") {
                tensors["encoder." + name.dropFirst(4)] = tensor
            }
            for (name, tensor) in decoder.namedTensors {
                tensors[name.hasPrefix("rnn.") ? "decoder." + name.dropFirst(4) : name] = tensor
            }
        }
        try SafeTensors.write(SafeTensors.File(tensors: tensors, metadata: metadata), to: path)
    }

    /// Reads a model file.
    public static func read(path: String) throws -> ModelFile {
        try ModelFile(try SafeTensors.read(path: path), path: path)
    }

    /// Parses the bytes of a model file (`name` in messages): any bytes give a model file or
    /// an error (`make fuzz` holds it to that).
    public static func decode(_ bytes: [UInt8], name: String) throws -> ModelFile {
        try ModelFile(try SafeTensors.decode(bytes, name: name), path: name)
    }

    /// The model file in `file` (read from `path`): every size, weight and fitted value is
    /// checked before a network is allocated or a forecast made.
    private init(_ file: SafeTensors.File, path: String) throws {
        func bad(_ reason: String) -> ForecastingError { .badModelFile(path: path, reason: reason) }
        guard file.metadata["format"] == ModelFile.format else {
            throw bad("metadata format is \(file.metadata["format"].map { "\"\($0)\"" } ?? "missing"), expected \"\(ModelFile.format)\"")
        }
        let json = JSONDecoder()
        func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
            guard let text = file.metadata[key] else { throw bad("metadata \"\(key)\" is missing") }
            do { return try json.decode(type, from: Data(text.utf8)) } catch { throw bad("metadata \"\(key)\" is not valid: \(error)") }
        }
        let data = try decode(DataDescription.self, "data")
        guard let frequency = Frequency(code: data.frequency) else { throw bad("unknown frequency \"\(data.frequency)\"") }
        if let last = data.lastTimestampMicroseconds, last.magnitude >= UInt64(Timestamp.epochSecondsLimit) * 1_000_000 {
            throw bad("the last timestamp (\(last) microseconds) is out of range")
        }
        let horizon = try file.metadata["horizon"].map { text in
            guard let h = Int(text), RecurrentConfiguration.Limits.horizon.contains(h) else {
                throw bad("metadata \"horizon\" is \"\(text)\", not a horizon in \(RecurrentConfiguration.Limits.horizon)")
            }
            return h
        }
        var provenance: [String: String] = [:]
        for (key, value) in file.metadata where key.hasPrefix("provenance.") { provenance[String(key.dropFirst(11))] = value }
        let kind = try file.metadata["kind"].map { text in
            guard let kind = ModelKind(rawValue: text) else {
                throw bad("unknown model kind \"\(text)\"; this version knows \(ModelKind.names())")
            }
            return kind
        }
        if let type = kind?.baselineType {
            func open<B: Baseline>(_ type: B.Type) throws -> any Baseline { try decode(type, "baseline") }
            let baseline = try open(type)
            do { try baseline.validate() } catch { throw bad("metadata \"baseline\": \(error)") }
            guard RecurrentConfiguration.Limits.observations.contains(baseline.observations) else {
                throw bad("metadata \"baseline\": \(baseline.observations) observations")
            }
            guard data.covariates.isEmpty else { throw bad("a baseline takes no covariates; the file names \(data.covariates)") }
            self.init(model: .baseline(baseline), target: data.target, covariates: data.covariates, frequency: frequency,
                      timestampStyle: data.timestampStyle,
                      lastTimestamp: data.lastTimestampMicroseconds.map(Timestamp.init(microseconds:)), provenance: provenance)
            self.horizon = horizon
            return
        }
        let configuration = try decode(RecurrentConfiguration.self, "config")
        // Sizes from a crafted or damaged file are checked before any network is allocated.
        func checked(_ configuration: RecurrentConfiguration, _ key: String) throws {
            do { try configuration.validate() } catch { throw bad("metadata \"\(key)\": \(error)") }
        }
        try checked(configuration, "config")
        guard data.covariates == configuration.covariates else {
            throw bad("the data's covariates \(data.covariates) are not the configuration's \(configuration.covariates)")
        }
        if let kind, kind != ModelKind(cell: configuration.cell) {
            throw bad("metadata \"kind\" is \(kind.rawValue), but the configuration's cell is \(configuration.cell.rawValue)")
        }
        let state = try decode(RecurrentForecaster.FittedState.self, "state")
        let probe = RecurrentForecaster(configuration)
        let network = probe.makeNetwork()
        var decoder: RecurrentNetwork?
        if configuration.mode == .encoderDecoder {
            let decoderNetwork = probe.makeDecoder()
            var encoderTensors = network.namedTensors.filter { $0.key.hasPrefix("head.") }  // unused head, as made
            var decoderTensors: [String: SafeTensors.Tensor] = [:]
            for (name, tensor) in file.tensors {
                if name.hasPrefix("encoder.") { encoderTensors["rnn." + name.dropFirst(8)] = tensor }
                if name.hasPrefix("decoder.") { decoderTensors["rnn." + name.dropFirst(8)] = tensor }
                if name.hasPrefix("head.") { decoderTensors[name] = tensor }
            }
            try network.load(encoderTensors, source: path)
            try decoderNetwork.load(decoderTensors, source: path)
            decoder = decoderNetwork
        } else {
            try network.load(file.tensors, source: path)
        }
        var members: [RecurrentForecaster] = []
        if file.metadata["members"] != nil {
            for (k, member) in try decode([MemberDescription].self, "members").enumerated() {
                try checked(member.config, "members")
                guard member.config.covariates == configuration.covariates, member.config.horizon == configuration.horizon else {
                    throw bad("metadata \"members\": member \(k + 1) has other covariates or another horizon than the model")
                }
                let prefix = "members.\(k + 1)."
                let memberNetwork = RecurrentForecaster(member.config).makeNetwork()
                var memberTensors: [String: SafeTensors.Tensor] = [:]
                for (name, tensor) in file.tensors where name.hasPrefix(prefix) {
                    memberTensors[String(name.dropFirst(prefix.count))] = tensor
                }
                try memberNetwork.load(memberTensors, source: path)
                try ModelFile.checkState(member.state, member.config, key: "members", path: path)
                members.append(RecurrentForecaster(configuration: member.config, network: memberNetwork, state: member.state))
            }
        }
        try ModelFile.checkState(state, configuration, key: "state", path: path)
        var forecaster = RecurrentForecaster(configuration: configuration, network: network, decoder: decoder, state: state)
        forecaster.members = members
        self.init(forecaster: forecaster,
                  target: data.target, covariates: data.covariates, frequency: frequency,
                  timestampStyle: data.timestampStyle,
                  lastTimestamp: data.lastTimestampMicroseconds.map(Timestamp.init(microseconds:)),
                  provenance: provenance)
    }

    /// Throws `badModelFile` unless the fitted state can be forecast from: finite values,
    /// histories at least one input window long (each series' for a global model), covariate
    /// and calendar histories as long as the history, and a saved recurrent state of the
    /// network's size.
    private static func checkState(_ state: RecurrentForecaster.FittedState, _ c: RecurrentConfiguration,
                                   key: String, path: String) throws {
        func bad(_ reason: String) -> ForecastingError { .badModelFile(path: path, reason: "metadata \"\(key)\": \(reason)") }
        func finite(_ name: String, _ values: [Double]) throws {
            if let i = values.firstIndex(where: { !$0.isFinite }) { throw bad("\(name) holds \(values[i]) at index \(i)") }
        }
        func scaler(_ name: String, _ s: Scaler) throws {
            guard s.center.isFinite, s.scale.isFinite, s.scale != 0 else { throw bad("\(name) has center \(s.center), scale \(s.scale)") }
        }
        // A sequence model keeps one more value than the window (its first difference).
        let needed = c.mode == .manyToMany ? 1 : c.window
        func history(_ name: String, _ values: [Double], covariates: [[Double]], timestamps: [Timestamp]?,
                     scalers: [Scaler], fallbackScale: Double, lastValue: Double) throws {
            try finite(name, values + [lastValue])
            guard values.count >= needed else { throw bad("\(name) has \(values.count) values; the model reads \(needed)") }
            guard fallbackScale.isFinite, fallbackScale > 0 else { throw bad("\(name): fallback scale \(fallbackScale)") }
            guard covariates.count == c.covariates.count, scalers.count == c.covariates.count,
                  covariates.allSatisfy({ $0.count == values.count }) else {
                throw bad("\(name): covariate histories do not match the model's \(c.covariates.count) covariates")
            }
            for (k, column) in covariates.enumerated() { try finite("\(name) covariate \(k + 1)", column) }
            for (k, s) in scalers.enumerated() { try scaler("\(name) covariate scaler \(k + 1)", s) }
            if !c.calendar.isEmpty, timestamps?.count != values.count {
                throw bad("\(name): the model uses calendar features; \(timestamps?.count ?? 0) timestamps for \(values.count) values")
            }
        }
        try scaler("the global scaler", state.globalScaler)
        try scaler("the sequence scaler", state.sequenceScaler)
        guard state.nextOutput.isFinite, state.nextScale.isFinite,
              RecurrentConfiguration.Limits.observations.contains(state.observations) else {
            throw bad("the next output, scale or observation count is out of range")
        }
        if state.seriesHistories.isEmpty || !state.history.isEmpty {
            try history("history", state.history, covariates: state.covariateHistory, timestamps: state.timestampHistory,
                        scalers: state.covariateScalers, fallbackScale: state.fallbackScale, lastValue: state.lastValue)
        }
        for series in state.seriesHistories {
            guard RecurrentConfiguration.Limits.observations.contains(series.observations) else {
                throw bad("series \"\(series.name)\": \(series.observations) observations")
            }
            try history("series \"\(series.name)\"", series.history, covariates: series.covariateHistory,
                        timestamps: series.timestampHistory, scalers: series.covariateScalers,
                        fallbackScale: series.fallbackScale, lastValue: series.lastValue)
        }
        if c.strategy == .statefulDirect {
            let outputs = c.horizon * c.outputsPerStep
            guard let output = state.directOutput, output.count == outputs, output.allSatisfy(\.isFinite) else {
                throw bad("a stateful many-to-one model needs its \(outputs) finite outputs after the history")
            }
        }
        if c.mode == .manyToMany || c.stateful {
            let size = c.layers * c.hiddenSize
            guard state.hidden.count == size, state.hidden.allSatisfy(\.isFinite),
                  (state.cell == nil) == (c.cell != .lstm), state.cell.map({ $0.count == size && $0.allSatisfy(\.isFinite) }) ?? true
            else { throw bad("the saved recurrent state does not fit \(c.layers) layer(s) of \(c.hiddenSize) \(c.cell) units") }
        }
    }

    /// Checks that `frame` has the model's columns and time grid.
    public func checkCompatible(with frame: Frame, modelPath: String) throws {
        for column in [target] + covariates where !frame.columnNames.contains(column) {
            throw ForecastingError.incompatibleData(
                path: modelPath, reason: "the model needs column \"\(column)\"; the data has \(frame.columnNames.joined(separator: ", "))")
        }
        let dataFrequency = frame.frequencyReport.frequency ?? .index
        if dataFrequency != frequency && frame.rowCount > 1 {
            throw ForecastingError.incompatibleData(
                path: modelPath, reason: "the model was trained on \(frequency.name) data; this data is \(dataFrequency.name)")
        }
    }

    /// FNV-1a (64-bit) of a file's bytes, as 16 hex digits: the data file's fingerprint.
    public static func fingerprint(path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var hash = FNV1a()
        for byte in data { hash.combine(byte) }
        let hex = String(hash.value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension Dictionary {
    func mapKeys<K: Hashable>(_ transform: (Key) -> K) -> [K: Value] {
        Dictionary<K, Value>(uniqueKeysWithValues: map { (transform($0.key), $0.value) })
    }
}
