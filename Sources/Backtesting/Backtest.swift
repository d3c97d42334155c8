import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Forecasting
import TimeSeries

/// A serial walk-forward run: every model refitted from scratch at every origin on the
/// protocol's model input (the training window with missing values filled as
/// datasets/PROTOCOL.md section 3), forecasting H steps, scored by `Metrics`.
public struct Backtest {
    /// A model to evaluate: its name and a maker of fresh, unfitted instances.
    public struct Model {
        public var name: String
        public var make: () -> any Forecaster
        public init(name: String, make: @escaping () -> any Forecaster) {
            self.name = name
            self.make = make
        }
    }

    /// One model's results: the forecasts of every origin and their metrics.
    public struct Result {
        public var model: String
        public var outcomes: [Metrics.Outcome]
        public var metrics: Metrics
    }

    public var origins: Origins
    public var horizon: Int
    public var season: Int
    /// Origins fitted at once, each on its own thread. Every fit is deterministic and
    /// single-threaded inside, so results do not depend on this.
    public var jobs: Int

    public init(origins: Origins, horizon: Int, season: Int, jobs: Int = 1) {
        self.origins = origins
        self.horizon = horizon
        self.season = season
        self.jobs = max(jobs, 1)
    }

    /// Runs `models` on the raw series `y` (NaN where missing), with its timestamps and grid.
    public func run(_ models: [Model], series y: [Double], name: String = "series", timestamps: [Timestamp]? = nil,
                    frequency: Frequency = .index) throws -> [Result] {
        try models.map { model in
            let lengths = origins.trainLengths
            let fit = { (t: Int) throws -> Metrics.Outcome in
                let window = Array(y[0..<t])
                let input = Frame.interpolated(window)
                let dropped = t - input.count  // leading missing values
                let data = SeriesData(name: name, target: input,
                                      timestamps: timestamps.map { Array($0[dropped..<t]) }, frequency: frequency)
                var forecaster = model.make()
                try forecaster.fit(data)
                return Metrics.Outcome(trainLength: t, forecast: try forecaster.predict(horizon: horizon).point)
            }
            var outcomes: [Metrics.Outcome]
            if jobs == 1 || lengths.count == 1 {
                outcomes = try lengths.map(fit)
            } else {
                let slots = OutcomeSlots(count: lengths.count)
                let next = OutcomeSlots.Counter()
                // Safe to share: `fit` reads the series and calls `make`, which builds a new
                // forecaster (its own network and buffers) on every call.
                nonisolated(unsafe) let fit = fit
                DispatchQueue.concurrentPerform(iterations: min(jobs, lengths.count)) { _ in
                    while let i = next.take(below: lengths.count) {
                        slots.set(i, Swift.Result { try fit(lengths[i]) })
                    }
                }
                outcomes = try slots.values().map { try $0.get() }
            }
            return Result(model: model.name, outcomes: outcomes, metrics: Metrics(outcomes: outcomes, series: y, season: season))
        }
    }
}

/// Results of parallel origins, each written once by the worker that fitted it.
private final class OutcomeSlots: @unchecked Sendable {
    private var slots: [Result<Metrics.Outcome, any Error>?]
    private let lock = PThreadMutex()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: Result<Metrics.Outcome, any Error>) { lock.withLock { slots[i] = value } }

    /// Every slot, in origin order (all are set once the workers return).
    func values() -> [Result<Metrics.Outcome, any Error>] { lock.withLock { slots.map { $0! } } }

    /// Hands out origin indices to workers, in order.
    final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = PThreadMutex()
        func take(below limit: Int) -> Int? {
            lock.withLock {
                guard value < limit else { return nil }
                defer { value += 1 }
                return value
            }
        }
    }
}

/// A mutex over pthread, so Backtesting needs no Foundation.
private final class PThreadMutex: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
