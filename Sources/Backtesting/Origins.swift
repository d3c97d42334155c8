/// Forecast origins of a walk-forward evaluation: origin k trains on rows 0 ..< T_k and
/// forecasts rows T_k ..< T_k + H.
public struct Origins: Sendable, Equatable {
    /// T_1 < T_2 < ... < T_K: the training length of each origin.
    public var trainLengths: [Int]

    public init(trainLengths: [Int]) { self.trainLengths = trainLengths }

    /// K origins `step` rows apart, the last ending at the last row: T_k = n - H - (K - k) s.
    public init(count: Int, step: Int, seriesLength n: Int, horizon h: Int) {
        trainLengths = (1...max(count, 1)).map { k in n - h - (count - k) * step }
    }

    /// The rule of datasets/PROTOCOL.md section 1: K = 10 when n < 1000, else 20;
    /// s = max(1, min(H, floor((n/2 - H) / (K - 1)))).
    public static func protocolRule(seriesLength n: Int, horizon h: Int) -> Origins {
        let k = n < 1000 ? 10 : 20
        let s = max(1, min(h, Int((Double(n) / 2 - Double(h)) / Double(k - 1))))
        return Origins(count: k, step: s, seriesLength: n, horizon: h)
    }

    public var count: Int { trainLengths.count }
}
