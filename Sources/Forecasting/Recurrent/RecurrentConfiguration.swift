#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Neural

/// Everything that defines a recurrent forecaster; stored as JSON in the model file.
public struct RecurrentConfiguration: Sendable, Codable, Equatable {
    /// How windows map to forecasts.
    public enum Mode: String, Sendable, Codable, CaseIterable {
        /// A window of L steps in, the next H values out at once (direct).
        case manyToOne = "many-to-one"
        /// The loss at every step of a training sequence (teacher forcing); forecasts by
        /// feeding each prediction back as the next input (recursive), so any horizon works.
        case manyToMany = "many-to-many"
        /// Many-to-many with unequal lengths (the translation shape): an encoder reads the
        /// window, its final state starts a decoder that emits the H steps, each fed the
        /// previous value (the true one in training, its own forecast after) and the
        /// calendar features of the step it forecasts.
        case encoderDecoder = "encoder-decoder"
    }

    /// How values are scaled for the network, and what it forecasts the change from.
    public enum Normalization: String, Sendable, Codable, CaseIterable {
        /// Fit each of the concrete choices below (seasonal only when m > 1 and seasonal
        /// naive beats naive in-sample; with a week's season 7m instead when the data is
        /// sub-daily, m is its day and that forecasts better in-sample) and judge them by
        /// validation MAE in the data's own units. Many-to-one: successive halving, then the
        /// average of those within 30% of the best (`fitCombination`); other modes keep the
        /// best one.
        case auto
        /// Each window on its own (NeuralForecast's window scalers, DeepAR's mean scaling):
        /// inputs are (x - last value) / s and targets (y - seasonal naive) / s, with s the
        /// window's mean absolute seasonal difference. The network learns the change from
        /// seasonal naive, so trends beyond the training range do not push it out of range.
        case windowSeasonal = "window-seasonal"
        /// As `windowSeasonal`, but the network learns the change from the last value
        /// (naive): better for level shifts and random walks.
        case windowNaive = "window-naive"
        /// One standard scaler fitted on the training part (the PyTorch reference's
        /// scaling): good for stationary series, blind to trends.
        case global
        /// Many-to-many only: one standard scaler on the first differences; forecasts are
        /// summed back from the last value, so trends carry on.
        case differences
    }

    public var cell: CellKind = .gru
    public var hiddenSize = 64
    public var layers = 1
    public var dropout: Float = 0
    public var mode: Mode = .manyToOne
    /// Many-to-many and many-to-one: carry the hidden state across consecutive windows while
    /// training (Keras `stateful=True`: contiguous segments per batch row, reset every epoch),
    /// keep the state after the whole history, and advance it with new observations (`update`).
    public var stateful = false
    /// Forecast horizon H, in steps.
    public var horizon: Int
    /// Seasonal period m, in steps (1: none).
    public var season: Int
    /// Input window L; nil for max(3H, 2m) (the reference protocol's rule), at least m + 1.
    public var inputLength: Int?
    public var normalization: Normalization = .auto
    /// Quantile levels of a quantile head (pinball loss); empty for a point forecast.
    public var quantiles: [Double] = []
    /// A Gaussian head (mean and scale per step, negative log-likelihood loss) whose
    /// sampled paths give the point forecast (their mean) and intervals (80% and 90%).
    public var gaussian = false
    /// A Student-t head (location, scale and degrees of freedom per step, negative
    /// log-likelihood loss) for heavy-tailed changes; sampled paths give the intervals, the
    /// location the point forecast. Stored optional (`head` reads it): files before it have none.
    private var studentT: Bool?
    /// Sample paths drawn from a Gaussian or Student-t head.
    public var samples = 200
    /// Past covariates (`--covariates`): observed up to the end of the history.
    public var covariates: [String] = []
    /// Covariates known in advance (`--future-covariates`): a forecast takes their values for
    /// the steps it forecasts. Stored optional (`future`): configurations written before
    /// them have none, and one without them is written as before.
    public var futureCovariates: [String] {
        get { future ?? [] }
        set { future = newValue.isEmpty ? nil : newValue }
    }
    private var future: [String]?
    /// Static covariates (`--static-covariates`): the names of their encoded features
    /// (`StaticEncoding`: a number standardised, a category one value per label), one value per
    /// series on every row of a global model. Stored optional as `futureCovariates`.
    public var staticCovariates: [String] {
        get { statics ?? [] }
        set { statics = newValue.isEmpty ? nil : newValue }
    }
    private var statics: [String]?
    /// Calendar features fed with every input step (many-to-one; they need timestamps).
    public var calendar: [CalendarFeature] = []
    /// Whether a one-series fit measures the network against its baseline (seasonal naive or
    /// naive) on its validation windows and shrinks its forecast toward it, or falls back to
    /// it, where that validates better (`Anchor`; `--shrink`). On in a new configuration;
    /// stored optional (`anchored`): configurations written before it have none (off).
    public var shrinks: Bool {
        get { anchored ?? false }
        set { anchored = newValue }
    }
    private var anchored: Bool?

    /// How far a one-series fit searches its own settings around these (`SettingsSearch`;
    /// `--search`): the default in a new configuration; stored optional (`searching`):
    /// configurations written before it have none (off).
    public var search: SettingsSearch.Level {
        get { searching ?? .off }
        set { searching = newValue }
    }
    private var searching: SettingsSearch.Level?

    /// The transform of the target before the networks see it (`TargetTransform`;
    /// `--transform`): the default in a new configuration; stored optional (`transforming`):
    /// configurations written before it have none (none).
    public var transform: TargetTransform.Choice {
        get { transforming ?? .none }
        set { transforming = newValue }
    }
    private var transforming: TargetTransform.Choice?

    // Training.
    /// The training loss of a point head.
    public enum PointLoss: String, Sendable, Codable, CaseIterable {
        case mse, mae
        /// Delta 1 on scaled values: squared near zero, absolute beyond.
        case huber
    }

    /// The point head's loss. Huber is the default: on the development series it matched MSE
    /// where MSE was best (El Nino 0.650 against 0.635) and was far better where MSE overfit
    /// level shifts (orange juice MASE 0.752 against 0.915). A model file naming another is
    /// refused (it was read as MSE before).
    public var loss: PointLoss = .huber
    public var learningRate = 1e-3
    public var batchSize = 64
    public var maxEpochs = 100
    /// Epochs without improvement of the validation loss before stopping.
    public var patience = 10
    /// At most this many optimizer steps in all (epochs are cut to fit), so long series
    /// train in bounded time.
    public var maxSteps = 3000
    public var validationFraction = 0.1
    /// The learning-rate schedule over epochs.
    public enum Schedule: String, Sendable, Codable, CaseIterable {
        /// The base rate throughout.
        case constant
        /// Halve the rate after 3 epochs without a better validation loss.
        case plateau
        /// Cosine from the base rate to 1% of it over the epochs.
        case cosine
        /// Halve the rate every 10 epochs.
        case step
    }

    public var schedule: Schedule = .plateau

    /// The optimizer (`--optimizer`), with PyTorch's defaults (SGD with momentum 0.9).
    public enum OptimizerKind: String, Sendable, Codable, CaseIterable {
        case adam, adamw, sgd, rmsprop

        /// The update rule: Adam (0.9, 0.999, 1e-8); AdamW the same with weight decay 0.01;
        /// SGD with momentum 0.9; RMSprop with alpha 0.99, epsilon 1e-8.
        public var rule: Optimizer.Rule {
            switch self {
            case .adam: .adam
            case .adamw: .adamW(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01)
            case .sgd: .sgd(momentum: 0.9)
            case .rmsprop: .rmsprop(alpha: 0.99, epsilon: 1e-8)
            }
        }
    }

    /// The optimizer; nil is Adam (model files written before the choice existed have none).
    public var optimizer: OptimizerKind?
    /// The optimizer training runs with.
    public var optimizerKind: OptimizerKind { optimizer ?? .adam }

    /// Clip the gradients' global norm to this (0: no clipping).
    public var clipNorm = 1.0
    public var seed: UInt64 = 0

    /// The defaults for horizon H and seasonal period m (GRU of 64 units, many-to-one, auto scaling).
    public init(horizon: Int, season: Int = 1) {
        self.horizon = horizon
        self.season = max(season, 1)
        anchored = true
        searching = SettingsSearch.Level.standard
        transforming = TargetTransform.Choice.standard
    }

    /// The range of each size a configuration may hold: what a user can reach and memory can
    /// hold. The flags (`ModelOptions`) and the model-file reader check against these.
    public enum Limits {
        public static let horizon = 1...100_000
        public static let season = 1...100_000
        public static let inputLength = 1...1_000_000
        public static let hiddenSize = 1...4096
        public static let layers = 1...16
        public static let batchSize = 1...65_536
        public static let maxEpochs = 1...1_000_000
        public static let patience = 0...1_000_000
        public static let maxSteps = 1...100_000_000
        public static let samples = 2...100_000
        public static let covariates = 0...10_000
        /// Observations a model may have seen (a model file's count; updates add to it).
        public static let observations = 0...(1 << 48)
        /// Weights of all networks of one model (about 512 MB of float32).
        public static let parameters = 134_217_728
    }

    /// Throws `invalidConfiguration` naming the first field out of its `Limits` range, a
    /// non-finite or non-positive rate, or a model too large for this machine: more weights
    /// than `Limits.parameters`, or a training batch whose cache ([batch, window, gates,
    /// hidden] floats per layer) needs more than the physical memory. Checked before any
    /// network is allocated: by `fit` and by the model-file reader.
    /// `global`: the configuration is of a global model (several series), which the rule book
    /// asks about static covariates.
    public func validate(global: Bool = false) throws(ForecastingError) {
        let ranges: [(String, Int, ClosedRange<Int>)] = [
            ("horizon", horizon, Limits.horizon), ("season", season, Limits.season),
            ("inputLength", inputLength ?? 1, Limits.inputLength), ("hiddenSize", hiddenSize, Limits.hiddenSize),
            ("layers", layers, Limits.layers), ("batchSize", batchSize, Limits.batchSize),
            ("maxEpochs", maxEpochs, Limits.maxEpochs), ("patience", patience, Limits.patience),
            ("maxSteps", maxSteps, Limits.maxSteps), ("samples", samples, Limits.samples),
            ("covariates", covariates.count + futureCovariates.count + staticCovariates.count, Limits.covariates),
        ]
        for (name, value, range) in ranges where !range.contains(value) {
            throw .invalidConfiguration("\(name) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
        guard learningRate.isFinite, learningRate > 0, clipNorm.isFinite, clipNorm >= 0, dropout >= 0, dropout < 1,
              validationFraction.isFinite, validationFraction >= 0, validationFraction < 1,
              quantiles.allSatisfy({ $0 > 0 && $0 < 1 }) else {
            throw .invalidConfiguration("a rate or level out of range (learning rate \(learningRate), clip \(clipNorm), dropout \(dropout), quantiles \(quantiles))")
        }
        guard [gaussian, !quantiles.isEmpty, studentT == true].filter({ $0 }).count <= 1 else {
            throw .invalidConfiguration("choose one of --gaussian, --student-t and --quantiles")
        }
        try RuleBook.check(RuleBook.Choices(self, global: global))
        // Sizes are bounded above, so these products fit an Int.
        let gates = cell.gates, features = featureCount
        let perLayer = gates * hiddenSize * (max(features, hiddenSize) + hiddenSize + 2)
        let weights = layers * perLayer * (mode == .encoderDecoder ? 2 : 1) + hiddenSize * horizon * 3
        guard weights <= Limits.parameters else {
            throw .invalidConfiguration("\(layers) layer(s) of \(hiddenSize) \(cell) units make \(weights) weights; at most \(Limits.parameters) fit: lower the hidden size or the layers")
        }
        let cacheBytes = Double(batchSize) * Double(window) * Double(gates + 2) * Double(hiddenSize) * Double(layers) * 4
        let memory = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
        guard memory <= 0 || cacheBytes <= memory else {
            func gb(_ bytes: Double) -> String { String(Int((bytes / 1e9).rounded(.up))) }
            throw .invalidConfiguration("a training batch of \(batchSize) windows of \(window) steps through \(layers) layer(s) of \(hiddenSize) units needs about \(gb(cacheBytes)) GB, more than this machine's \(gb(memory)) GB: lower the batch size, input window or hidden size")
        }
    }

    /// The network's outputs per forecast step: a Gaussian head's mean and scale, a Student-t
    /// head's location, scale and degrees of freedom, a quantile head's levels, or the point.
    public var outputsPerStep: Int {
        switch head {
        case .point: 1
        case .quantiles(let levels): levels.count
        case .gaussian: 2
        case .studentT: 3
        }
    }

    /// The mode and statefulness, as a flag would say them: `many-to-one`, `many-to-many stateful`.
    public var modeDescription: String { mode.rawValue + (stateful ? " stateful" : "") }

    /// The scalings `auto` chooses among for this mode.
    public var normalizationCandidates: [Normalization] {
        Self.normalizationCandidates(mode: mode, stateful: stateful, season: season)
    }

    /// The scalings `auto` chooses among for `mode` (stateful or not) and seasonal period
    /// `season`; a scaling outside them is refused (`RuleBook`).
    public static func normalizationCandidates(mode: Mode, stateful: Bool, season: Int) -> [Normalization] {
        switch mode {
        case .manyToOne where stateful: [.global]  // the state runs across windows: one scaling for all rows
        case .manyToOne: season > 1 ? [.windowSeasonal, .windowNaive, .global] : [.windowNaive, .global]
        case .manyToMany: [.global, .differences]
        case .encoderDecoder: [.windowNaive, .global]
        }
    }

    /// What the network outputs per forecast step, and what its loss is.
    public enum Head: Sendable, Equatable {
        /// One value per step (the training loss of `loss`).
        case point
        /// One value per quantile level (pinball loss).
        case quantiles([Double])
        /// A mean and a scale per step (Gaussian negative log-likelihood); sampled paths give
        /// the forecast and its intervals.
        case gaussian
        /// A location, a scale and degrees of freedom per step (Student-t negative
        /// log-likelihood): heavy tails; sampled paths give the intervals.
        case studentT

        /// Whether forecasts are sampled from a distribution per step (Gaussian, Student-t).
        public var isDistribution: Bool { self == .gaussian || self == .studentT }

        /// The flag that asks for it (`--quantiles`, `--gaussian`, `--student-t`; none for a point head).
        public var flag: String {
            switch self {
            case .point: ""
            case .quantiles: "--quantiles"
            case .gaussian: "--gaussian"
            case .studentT: "--student-t"
            }
        }

        /// Its name in messages.
        public var name: String {
            switch self {
            case .point: "point"
            case .quantiles: "quantile"
            case .gaussian: "Gaussian"
            case .studentT: "Student-t"
            }
        }
    }

    /// The head, from the stored `quantiles`, `gaussian` and `studentT` (the model file's keys).
    public var head: Head {
        get { gaussian ? .gaussian : studentT == true ? .studentT : quantiles.isEmpty ? .point : .quantiles(quantiles) }
        set {
            switch newValue {
            case .point: (quantiles, gaussian, studentT) = ([], false, nil)
            case .quantiles(let levels): (quantiles, gaussian, studentT) = (levels, false, nil)
            case .gaussian: (quantiles, gaussian, studentT) = ([], true, nil)
            case .studentT: (quantiles, gaussian, studentT) = ([], false, true)
            }
        }
    }

    /// Batches in an epoch of `samples` training windows.
    func batches(samples: Int) -> Int { (samples + batchSize - 1) / batchSize }

    /// The epochs training runs at most when an epoch has `batches` batches: `maxEpochs`,
    /// cut so that all epochs together take at most `maxSteps` steps (at least one epoch).
    func epochs(batchesPerEpoch batches: Int) -> Int { min(maxEpochs, max(1, maxSteps / max(batches, 1))) }

    /// The input window used: `inputLength` or max(3H, 2m), at least m + 1.
    public var window: Int { max(inputLength ?? max(3 * horizon, 2 * season), season + 1) }

    /// The training loss: the head's, or for a point head the one of `loss`.
    public var trainingLoss: Loss {
        switch head {
        case .gaussian: .gaussianNLL
        case .studentT: .studentTNLL
        case .quantiles(let levels): .pinball(quantiles: levels)
        case .point:
            switch loss {
            case .mse: .mse
            case .mae: .mae
            case .huber: .huber(delta: 1)
            }
        }
    }
}
