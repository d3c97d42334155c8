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
        case .network(let forecaster): forecaster.observations
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
    /// The columns the model reads beside its target, by role (metadata `data`).
    public var roles: CovariateRoles
    /// Its past covariates (`roles.past`).
    public var covariates: [String] {
        get { roles.past }
        set { roles.past = newValue }
    }
    /// How a global model encodes its static covariates (metadata `data`), so the data
    /// `predict --model` reads are encoded alike.
    public var staticEncoding: StaticEncoding?
    public var frequency: Frequency
    public var timestampStyle: TimestampStyle
    public var lastTimestamp: Timestamp?
    /// Tool version, data file, its FNV-1a hash, seed, creation time.
    public var provenance: [String: String]
    /// A baseline's forecast horizon (metadata `horizon`; a network's is in its configuration).
    public var horizon: Int?
    /// Conformal intervals put around the model's point forecasts (metadata `conformal`), when
    /// it was trained with them: `predict --model` gives them without refitting.
    public var conformal: ConformalCalibration?

    /// The model's forecast with its conformal intervals when it has them; a forecast longer
    /// than the steps they were calibrated for is refused (a later step's errors are unknown).
    public func withIntervals(_ forecast: Forecast) throws -> Forecast {
        guard let conformal else { return forecast }
        try conformal.check(horizon: forecast.horizon)
        return conformal.forecast(around: forecast.point)
    }
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
        self.roles = CovariateRoles(past: covariates)
        self.frequency = frequency
        self.timestampStyle = timestampStyle
        self.lastTimestamp = lastTimestamp
        self.provenance = provenance
    }

    /// A combination member's entry in metadata `members` (its configuration, or its state
    /// as the member's strategy keeps it).
    private struct MemberConfiguration: Decodable { var config: RecurrentConfiguration }
    private struct MemberState<State: Decodable>: Decodable { var state: State }

    private struct DataDescription: Codable {
        var target: String
        var covariates: [String]
        /// The other roles (nil in files without them, and when there are none).
        var roles: CovariateRoles?
        var staticEncoding: StaticEncoding?
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
        let data = DataDescription(target: target, covariates: covariates,
                                   roles: roles.future.isEmpty && roles.statics.isEmpty ? nil : roles, staticEncoding: staticEncoding,
                                   frequency: frequency.code,
                                   timestampStyle: timestampStyle, lastTimestampMicroseconds: lastTimestamp?.microseconds,
                                   lastTimestamp: lastTimestamp?.formatted(timestampStyle))
        var metadata = provenance.mapKeys { "provenance." + $0 }
        metadata["format"] = Self.format
        metadata["kind"] = model.kind.rawValue
        if let horizon { metadata["horizon"] = String(horizon) }
        if let conformal { metadata["conformal"] = try json(conformal) }
        metadata["data"] = try json(data)
        let forecaster: RecurrentForecaster
        switch model {
        case .baseline(let baseline):
            metadata["baseline"] = try json(baseline)
            return try SafeTensors.write(SafeTensors.File(tensors: [:], metadata: metadata), to: path)
        case .network(let network):
            // A network that fell back to its baseline (too short a history) is that baseline:
            // seasonal naive, or naive (seasonal naive of period 1 forecasts as naive does).
            if let anchor = network.anchor, network.isFallback {
                var file = self
                if anchor.baseline.period > 1 {
                    file.model = .baseline(anchor.baseline)
                } else {
                    file.model = .baseline(Naive(last: anchor.baseline.lastValue, observations: anchor.baseline.observations))
                }
                file.roles = CovariateRoles()
                file.staticEncoding = nil
                file.horizon = network.configuration.horizon
                return try file.write(to: path)
            }
            forecaster = network
        }
        // A combination: its first member as a single model, the other members' tensors
        // under `members.K.` and their configuration and state in metadata `members` (K
        // counts from 1, in that array's order).
        let models = forecaster.members
        let (state, networkTensors) = try Self.parts(of: models[0], json: { try json($0) })
        metadata["config"] = try json(models[0].configuration)
        metadata["state"] = state
        if let anchor = forecaster.anchor { metadata["anchor"] = try json(anchor) }
        if let transform = forecaster.transform { metadata["transform"] = try json(transform) }
        var tensors = networkTensors
        if models.count > 1 {
            var described: [String] = []
            for (k, member) in models.dropFirst().enumerated() {
                let (memberState, memberTensors) = try Self.parts(of: member, json: { try json($0) })
                for (name, tensor) in memberTensors { tensors["members.\(k + 1).\(name)"] = tensor }
                described.append("{\"config\":\(try json(member.configuration)),\"state\":\(memberState)}")
            }
            metadata["members"] = "[" + described.joined(separator: ",") + "]"
        }
        try SafeTensors.write(SafeTensors.File(tensors: tensors, metadata: metadata), to: path)
    }

    /// A single-strategy model's state (JSON) and tensors (`RecurrentStrategy.tensors`:
    /// PyTorch's names; an encoder-decoder as a module with `encoder` and `decoder` recurrent
    /// layers and a `head`).
    private static func parts<S: RecurrentStrategy>(of strategy: S, json: (any Encodable) throws -> String) throws
        -> (state: String, tensors: [String: SafeTensors.Tensor])
    {
        (try json(strategy.state), try strategy.tensors())
    }

    /// A single-strategy model of `c` from its state (metadata `state`, or member `member`'s
    /// in metadata `members`) and its tensors (names as `parts` writes them, a member's
    /// without its prefix): the strategy serving `c` decodes its state and checks it before
    /// any network is loaded (`init(configuration:state:tensors:source:)`).
    private static func single(_ c: RecurrentConfiguration, member: Int?, tensors: [String: SafeTensors.Tensor],
                               file: SafeTensors.File, path: String) throws -> any RecurrentStrategy {
        let key = member == nil ? "state" : "members"
        guard let type = RecurrentForecaster.strategy(serving: c) else {
            throw ForecastingError.badModelFile(path: path, reason: "metadata \"config\": no strategy serves \(c.modeDescription)")
        }
        func open<S: RecurrentStrategy>(_ type: S.Type) throws -> S {
            let state = if let member {
                try metadata([MemberState<FittedState<S.Extra>>].self, "members", in: file, path: path)[member].state
            } else {
                try metadata(FittedState<S.Extra>.self, "state", in: file, path: path)
            }
            do {
                return try S(configuration: c, state: state, tensors: tensors, source: path)
            } catch ForecastingError.invalidConfiguration(let reason) {
                throw ForecastingError.badModelFile(path: path, reason: "metadata \"\(key)\": \(reason)")
            }
        }
        return try open(type)
    }

    /// The JSON value of metadata `key` of `file`.
    private static func metadata<T: Decodable>(_ type: T.Type, _ key: String, in file: SafeTensors.File, path: String) throws -> T {
        guard let text = file.metadata[key] else { throw ForecastingError.badModelFile(path: path, reason: "metadata \"\(key)\" is missing") }
        do { return try JSONDecoder().decode(type, from: Data(text.utf8)) } catch {
            throw ForecastingError.badModelFile(path: path, reason: "metadata \"\(key)\" is not valid: \(error)")
        }
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
        func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T { try Self.metadata(type, key, in: file, path: path) }
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
        let conformal = try file.metadata["conformal"].map { _ in
            let calibration = try decode(ConformalCalibration.self, "conformal")
            do { try calibration.validate() } catch { throw bad("metadata \"conformal\": \(error)") }
            return calibration
        }
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
            self.conformal = conformal
            return
        }
        let configuration = try decode(RecurrentConfiguration.self, "config")
        // Sizes from a crafted or damaged file are checked before any network is allocated.
        func checked(_ configuration: RecurrentConfiguration, _ key: String) throws {
            // Static covariates are a global model's (its series' rows, checked with the state).
            do { try configuration.validate(global: !configuration.staticCovariates.isEmpty) } catch {
                throw bad("metadata \"\(key)\": \(error)")
            }
        }
        try checked(configuration, "config")
        let roles = data.roles ?? CovariateRoles(past: data.covariates)
        guard data.covariates == configuration.covariates, roles.past == data.covariates, roles.future == configuration.futureCovariates,
              (data.staticEncoding?.featureNames ?? []) == configuration.staticCovariates,
              roles.statics == (data.staticEncoding?.attributes.map(\.name) ?? []) else {
            throw bad("the data's covariates (\(roles.all)) are not the configuration's (\(configuration.covariates + configuration.futureCovariates), static \(configuration.staticCovariates))")
        }
        if let kind, kind != ModelKind(cell: configuration.cell) {
            throw bad("metadata \"kind\" is \(kind.rawValue), but the configuration's cell is \(configuration.cell.rawValue)")
        }
        var models = [try Self.single(configuration, member: nil, tensors: file.tensors, file: file, path: path)]
        if file.metadata["members"] != nil {
            let configurations = try decode([MemberConfiguration].self, "members").map(\.config)
            for (k, member) in configurations.enumerated() {
                try checked(member, "members")
                let sameStrategy = RecurrentForecaster.strategy(serving: member).map(ObjectIdentifier.init)
                    == RecurrentForecaster.strategy(serving: configuration).map(ObjectIdentifier.init)
                guard member.covariates == configuration.covariates, member.futureCovariates == configuration.futureCovariates,
                      member.staticCovariates == configuration.staticCovariates, member.horizon == configuration.horizon,
                      sameStrategy else {
                    throw bad("metadata \"members\": member \(k + 1) has other covariates, another horizon or another strategy than the model")
                }
                let prefix = "members.\(k + 1)."
                var memberTensors: [String: SafeTensors.Tensor] = [:]
                for (name, tensor) in file.tensors where name.hasPrefix(prefix) {
                    memberTensors[String(name.dropFirst(prefix.count))] = tensor
                }
                models.append(try Self.single(member, member: k, tensors: memberTensors, file: file, path: path))
            }
        }
        var forecaster = RecurrentForecaster(members: models)
        forecaster.anchor = try file.metadata["anchor"].map { _ in
            let anchor = try decode(Anchor.self, "anchor")
            do { try anchor.validate() } catch { throw bad("metadata \"anchor\": \(error)") }
            guard RecurrentConfiguration.Limits.observations.contains(anchor.baseline.observations) else {
                throw bad("metadata \"anchor\": \(anchor.baseline.observations) observations")
            }
            guard anchor.unfitted == nil else { throw bad("metadata \"anchor\": a network's file holds a fallback anchor") }
            return anchor
        }
        forecaster.transform = try file.metadata["transform"].map { _ in
            let transform = try decode(TargetTransform.self, "transform")
            do { try transform.validate() } catch { throw bad("metadata \"transform\": \(error)") }
            return transform
        }
        self.init(forecaster: forecaster,
                  target: data.target, covariates: data.covariates, frequency: frequency,
                  timestampStyle: data.timestampStyle,
                  lastTimestamp: data.lastTimestampMicroseconds.map(Timestamp.init(microseconds:)),
                  provenance: provenance)
        self.roles = roles
        self.staticEncoding = data.staticEncoding
        self.conformal = conformal
    }

    /// Checks that `frame` has the model's columns (its target, past and future covariates;
    /// static ones may come from a side table) and time grid.
    public func checkCompatible(with frame: Frame, modelPath: String) throws {
        for column in [target] + roles.past + roles.future where !frame.columnNames.contains(column) {
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
