/// Forecast origins of a walk-forward evaluation: origin k trains on rows before T_k and
/// forecasts rows T_k + gap ..< T_k + gap + H.
public struct Origins: Sendable, Equatable {
    /// T_1 < T_2 < ... < T_K: the training length of each origin.
    public var trainLengths: [Int]

    /// Origins with these training lengths, ascending.
    public init(trainLengths: [Int]) { self.trainLengths = trainLengths }

    /// K origins `step` rows apart, the last one's test window ending at the last row:
    /// T_k = n - gap - H - (K - k) s.
    public init(count: Int, step: Int, seriesLength n: Int, horizon h: Int, gap: Int = 0) {
        trainLengths = (1...max(count, 1)).map { k in n - gap - h - (count - k) * step }
    }

    /// Origins from `first` on, `step` rows apart, as many as have a whole test window.
    public init(first: Int, step: Int, seriesLength n: Int, horizon h: Int, gap: Int = 0) {
        trainLengths = Array(stride(from: first, through: n - gap - h, by: max(step, 1)))
    }

    /// The rule of datasets/PROTOCOL.md section 1: K = 10 when n < 1000, else 20;
    /// s = max(1, min(H, floor((n/2 - H) / (K - 1)))).
    public static func protocolRule(seriesLength n: Int, horizon h: Int, gap: Int = 0) -> Origins {
        let k = n < 1000 ? 10 : 20
        let s = max(1, min(h, Int((Double(n) / 2 - Double(h)) / Double(k - 1))))
        return Origins(count: k, step: s, seriesLength: n, horizon: h, gap: gap)
    }

    public var count: Int { trainLengths.count }
}
