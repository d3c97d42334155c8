/// Where each named tensor sits in the flat parameter buffer (and, at the same offsets,
/// in the gradient buffer and every optimizer state buffer).
public struct ParameterLayout: Sendable {
    /// One named tensor: PyTorch's name and shape, row-major.
    public struct Tensor: Sendable, Equatable {
        public var name: String
        public var offset: Int
        public var shape: [Int]
        public var count: Int { shape.reduce(1, *) }
    }

    public private(set) var tensors: [Tensor] = []
    /// Total number of parameters.
    public private(set) var count = 0

    /// An empty layout.
    public init() {}

    /// Appends a tensor and returns its offset. Offsets are rounded up to 16 floats
    /// (64 bytes) so every matrix starts aligned.
    public mutating func add(_ name: String, shape: [Int]) -> Int {
        let offset = (count + 15) / 16 * 16
        tensors.append(Tensor(name: name, offset: offset, shape: shape))
        count = offset + shape.reduce(1, *)
        return offset
    }

    /// The tensor called `name`.
    public func tensor(named name: String) -> Tensor? { tensors.first { $0.name == name } }
}
