/// The one place that says which choices of a recurrent forecaster combine: mode, head,
/// stateful, global, covariates by role (past, future, static), calendar, conformal
/// intervals, warm refits and scaling.
/// The library asks it before any network is made (`RecurrentConfiguration.validate`, a
/// global fit, `ConformalForecaster`), the command line before any data are read; what it
/// refuses is a usage error (exit 64) with the sentence below, naming both flags.
///
/// Every combination of `Choices.all` either trains and forecasts or is refused here
/// (`RuleBookTests` walks them all, the command line's `CombinationCLITests` the flags).
public enum RuleBook {
    /// The choices judged together; each field is one flag of the command line.
    public struct Choices: Sendable, Equatable, CustomStringConvertible {
        public var mode: RecurrentConfiguration.Mode = .manyToOne
        public var head: RecurrentConfiguration.Head = .point
        /// `--stateful`.
        public var stateful = false
        /// One network over several series (`--global`, or a long-format file).
        public var global = false
        /// Past covariates (`--covariates`).
        public var covariates = false
        /// Covariates known in advance (`--future-covariates`).
        public var futureCovariates = false
        /// Static covariates (`--static-covariates`).
        public var staticCovariates = false
        /// Calendar features (`--calendar`).
        public var calendar = false
        /// Conformal intervals around the point forecast (`--conformal`).
        public var conformal = false
        /// Warm refits in a backtest (`--refit warm`).
        public var warmRefit = false
        public var normalization: RecurrentConfiguration.Normalization = .auto
        /// A search over the network's settings (`--search quick` or `thorough`).
        public var search = false

        public init(mode: RecurrentConfiguration.Mode = .manyToOne, head: RecurrentConfiguration.Head = .point,
                    stateful: Bool = false, global: Bool = false, covariates: Bool = false, futureCovariates: Bool = false,
                    staticCovariates: Bool = false, calendar: Bool = false, conformal: Bool = false, warmRefit: Bool = false,
                    normalization: RecurrentConfiguration.Normalization = .auto, search: Bool = false) {
            self.mode = mode
            self.head = head
            self.stateful = stateful
            self.global = global
            self.covariates = covariates
            self.futureCovariates = futureCovariates
            self.staticCovariates = staticCovariates
            self.calendar = calendar
            self.conformal = conformal
            self.warmRefit = warmRefit
            self.normalization = normalization
            self.search = search
        }

        /// The choices a configuration makes (a one-series fit without conformal intervals
        /// or warm refits unless said).
        public init(_ c: RecurrentConfiguration, global: Bool = false, conformal: Bool = false, warmRefit: Bool = false) {
            self.init(mode: c.mode, head: c.head, stateful: c.stateful, global: global, covariates: !c.covariates.isEmpty,
                      futureCovariates: !c.futureCovariates.isEmpty, staticCovariates: !c.staticCovariates.isEmpty,
                      calendar: !c.calendar.isEmpty, conformal: conformal, warmRefit: warmRefit, normalization: c.normalization,
                      search: c.search != .off)
        }

        /// Every combination of the choices (heads with two levels; every scaling): what
        /// the tests walk.
        public static var all: [Choices] {
            var out: [Choices] = []
            let heads: [RecurrentConfiguration.Head] = [.point, .quantiles([0.1, 0.9]), .gaussian, .studentT]
            for mode in RecurrentConfiguration.Mode.allCases {
                for head in heads {
                    for bits in 0..<(1 << 9) {
                        for normalization in RecurrentConfiguration.Normalization.allCases {
                            out.append(Choices(mode: mode, head: head, stateful: bits & 1 != 0, global: bits & 2 != 0,
                                               covariates: bits & 4 != 0, futureCovariates: bits & 64 != 0,
                                               staticCovariates: bits & 128 != 0, calendar: bits & 8 != 0, conformal: bits & 16 != 0,
                                               warmRefit: bits & 32 != 0, normalization: normalization, search: bits & 256 != 0))
                        }
                    }
                }
            }
            return out
        }

        public var description: String {
            var flags = ["--mode \(mode.rawValue)"]
            switch head {
            case .point: break
            case .quantiles(let levels): flags.append("--quantiles \(levels.map { "\($0)" }.joined(separator: ","))")
            case .gaussian, .studentT: flags.append(head.flag)
            }
            if stateful { flags.append("--stateful") }
            if global { flags.append("--global") }
            if covariates { flags.append("--covariates") }
            if futureCovariates { flags.append("--future-covariates") }
            if staticCovariates { flags.append("--static-covariates") }
            if calendar { flags.append("--calendar") }
            if conformal { flags.append("--conformal") }
            if warmRefit { flags.append("--refit warm") }
            flags.append("--normalization \(normalization.rawValue)")
            if search { flags.append("--search quick") }
            return flags.joined(separator: " ")
        }
    }

    /// The sentence refusing `choices`, or nil when they combine. The first rule broken is named.
    public static func refusal(_ choices: Choices) -> String? {
        let c = choices
        let mode = "--mode \(c.mode.rawValue)"
        switch c.head {
        case .point, .gaussian, .studentT: break
        case .quantiles(let levels):
            if levels.isEmpty { return "--quantiles needs at least one level" }
            if let bad = levels.first(where: { !($0 > 0 && $0 < 1) }) { return "--quantiles takes levels in (0, 1), not \(bad)" }
            let sorted = levels.sorted()
            if let twice = zip(sorted, sorted.dropFirst()).first(where: { abs($0 - $1) < 1e-9 }) {
                return "--quantiles names the level \(twice.0) twice; each level once"
            }
        }
        if c.conformal && c.head != .point {
            return "--conformal puts intervals around a point forecast; it goes without \(c.head.flag)"
        }
        if c.conformal && c.warmRefit { return "--conformal calibrates at every refit; it goes with --refit cold, not --refit warm" }
        if c.conformal && c.global {
            return "--conformal calibrates each series' own models; a global network (--global) has none: add --no-global"
        }
        switch c.mode {
        case .manyToOne:
            break
        case .manyToMany:
            if case .quantiles = c.head {
                return "\(mode) feeds each forecast back as the next input, so it has no quantile head (--quantiles); use --mode many-to-one or --gaussian"
            }
            if c.head == .studentT {
                return "\(mode) samples its paths from a Gaussian head only, not --student-t; use --gaussian, or --mode many-to-one"
            }
            if c.covariates {
                return "\(mode) feeds each forecast back as the next input, so it takes no past --covariates (their future values are unknown): give inputs known in advance as --future-covariates, or use --mode many-to-one"
            }
            if c.calendar { return "\(mode) takes no --calendar features; use --mode many-to-one or encoder-decoder" }
        case .encoderDecoder:
            if c.stateful { return "--stateful goes with --mode many-to-one or many-to-many, not \(mode)" }
            if c.head != .point {
                return "\(mode) has a point decoder only: no \(c.head.flag); use --mode many-to-one for a \(c.head.name) head, or --conformal for intervals"
            }
        }
        if c.staticCovariates && !c.global {
            return "--static-covariates describe the series of a global network (several series, --global); one series' attributes are the same on every row: drop them, or add --global"
        }
        if c.global {
            if c.mode != .manyToOne {
                return "a global network over several series (--global, or a long-format file) is many-to-one, not \(mode); add --no-global to fit one network per series"
            }
            if c.stateful {
                return "a global network over several series (--global, or a long-format file) is not --stateful; add --no-global to fit one network per series"
            }
            if c.normalization == .global || c.normalization == .differences {
                return "a global network over several series (--global, or a long-format file) scales each window on its own: --normalization window-seasonal, window-naive or auto, not \(c.normalization.rawValue)"
            }
        }
        if c.search && c.stateful && c.mode == .manyToOne {
            return "--search judges its candidates by their validation error, which a --stateful many-to-one model does not compute; drop --search or --stateful"
        }
        let candidates = RecurrentConfiguration.normalizationCandidates(mode: c.mode, stateful: c.stateful, season: 2)
        if c.normalization != .auto && !candidates.contains(c.normalization) {
            let which = c.stateful ? "\(mode) --stateful" : mode
            return "--normalization \(c.normalization.rawValue) does not go with \(which), which takes \((candidates.map(\.rawValue) + ["auto"]).joined(separator: ", "))"
        }
        return nil
    }

    /// Throws `invalidConfiguration` with the refusal of `choices`, if any.
    public static func check(_ choices: Choices) throws(ForecastingError) {
        if let sentence = refusal(choices) { throw .invalidConfiguration(sentence) }
    }
}
