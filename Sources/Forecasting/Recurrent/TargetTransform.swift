#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A transform of the target before the networks see it, for positive series whose changes
/// grow with their level (counts, sales, passengers): Box-Cox, y = (x^lambda - 1) / lambda,
/// the log at lambda = 0. The networks train and forecast in the transformed units; their
/// forecasts, quantiles and intervals are mapped back (a monotone map: a quantile stays that
/// quantile, the point is the back-transformed median-like forecast, not a mean).
public struct TargetTransform: Sendable, Codable, Equatable {
    /// What `--transform` asks for.
    public enum Choice: String, Sendable, Codable, CaseIterable {
        /// The values as they are.
        case none
        /// The natural log (positive values only).
        case log
        /// Box-Cox with lambda in [0, 1] chosen by Guerrero's method on the training data.
        case boxCox = "box-cox"
        /// Box-Cox (Guerrero's lambda) or none, whichever validates better; none for a series
        /// with a value that is not positive.
        case auto

        /// The choice of a new configuration, chosen by measurement (BENCHMARKS.md).
        public static let standard = Choice.none
    }

    /// Box-Cox's lambda (0: the log).
    public var lambda: Double
    /// The smallest value of the training data: a value that is not positive, which only new
    /// rows can bring (a count of 0), is transformed as this one.
    public var smallest: Double

    public init(lambda: Double, smallest: Double) {
        self.lambda = lambda
        self.smallest = smallest
    }

    /// The lambdas Guerrero's method chooses among.
    static let lambdas = (0...10).map { Double($0) / 10 }

    /// Whether every finite value of `x` is positive (and one is): a series Box-Cox can take.
    static func takes(_ x: [Double]) -> Bool {
        x.contains(where: \.isFinite) && x.allSatisfy { !$0.isFinite || $0 > 0 }
    }

    /// Guerrero's (1993) lambda in [0, 1] for `x` (positive) with seasonal period `season`: the
    /// one that makes the ratio of each season-long block's standard deviation to its mean to
    /// the power 1 - lambda most nearly constant (least coefficient of variation), as R's
    /// `forecast::BoxCox.lambda` and statsforecast do. 1 (no transform) when fewer than two
    /// blocks.
    static func guerrero(_ x: [Double], season: Int) -> Double {
        let length = max(season, 2)
        let blocks = stride(from: x.count % length, to: x.count - length + 1, by: length).compactMap { start -> (Double, Double)? in
            let block = x[start..<(start + length)].filter(\.isFinite)
            guard block.count >= 2 else { return nil }
            let mean = block.reduce(0, +) / Double(block.count)
            let variance = block.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(block.count - 1)
            return (mean, variance.squareRoot())
        }
        guard blocks.count >= 2 else { return 1 }
        func variation(_ lambda: Double) -> Double {
            let ratios = blocks.map { $0.1 / pow($0.0, 1 - lambda) }
            let mean = ratios.reduce(0, +) / Double(ratios.count)
            let sd = (ratios.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(ratios.count - 1)).squareRoot()
            return mean > 0 ? sd / mean : .infinity
        }
        let scores = lambdas.map(variation)
        return lambdas[scores.indices.min { scores[$0] < scores[$1] }!]  // lambdas is not empty
    }

    /// The transform `choice` fits to `x` with seasonal period `season`; nil for none (and for
    /// Box-Cox whose lambda is 1: a shift, nothing the networks' scaling does not do).
    /// `auto` gives Box-Cox's candidate (the caller compares it with none). Throws for a
    /// series with a value that is not positive when a transform is asked for by name.
    static func fitted(_ choice: Choice, to x: [Double], season: Int) throws -> TargetTransform? {
        switch choice {
        case .none: return nil
        case .log, .boxCox, .auto:
            guard takes(x) else {
                if choice == .auto { return nil }
                let row = x.firstIndex { $0.isFinite && $0 <= 0 } ?? 0
                throw ForecastingError.invalidConfiguration(
                    "--transform \(choice.rawValue) takes positive values; row \(row + 1) of the training data is \(x.indices.contains(row) ? x[row] : .nan)")
            }
            let lambda = choice == .log ? 0 : guerrero(x, season: season)
            return lambda >= 1 ? nil : TargetTransform(lambda: lambda, smallest: x.filter(\.isFinite).min()!)  // takes(x): one finite
        }
    }

    /// Throws unless a forecast can be mapped back with it (a model file's).
    func validate() throws(ForecastingError) {
        guard lambda.isFinite, lambda >= 0, lambda < 1, smallest.isFinite, smallest > 0 else {
            throw .invalidConfiguration("a Box-Cox lambda of \(lambda) over values from \(smallest)")
        }
    }

    /// The transformed value of x (NaN stays NaN; a value that is not positive is taken as
    /// `smallest`).
    func apply(_ x: Double) -> Double {
        guard x.isFinite else { return x }
        let v = x > 0 ? x : smallest
        return lambda == 0 ? log(v) : (pow(v, lambda) - 1) / lambda
    }

    /// The value whose transform is y (a y below the transform's range maps to 0).
    func invert(_ y: Double) -> Double {
        guard y.isFinite else { return y == -.infinity ? 0 : y }  // the transform's range starts above -inf
        if lambda == 0 { return exp(y) }
        let base = lambda * y + 1
        return base > 0 ? pow(base, 1 / lambda) : 0
    }

    /// `series` with its target transformed.
    func apply(_ series: SeriesData) -> SeriesData {
        var out = series
        out.target = series.target.map(apply)
        return out
    }

    /// `forecast` (in transformed units) mapped back.
    func invert(_ forecast: Forecast) -> Forecast {
        func back(_ values: [Double]) -> [Double] { values.map(invert) }
        return Forecast(point: back(forecast.point), quantiles: forecast.quantiles.map { (level: $0.level, values: back($0.values)) },
                        intervals: forecast.intervals.map {
                            Forecast.Interval(coverage: $0.coverage, lower: back($0.lower), upper: back($0.upper))
                        })
    }

    /// Its name for people: `log`, `box-cox 0.3`.
    public var label: String { lambda == 0 ? "log" : "box-cox \(lambda)" }
}
