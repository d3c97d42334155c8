/// Errors of the Neural module.
public enum NeuralError: Error, CustomStringConvertible, Sendable, Equatable {
    case cannotOpen(path: String, reason: String)
    /// A file that is not a well-formed safetensors file.
    case badFile(path: String, reason: String)
    /// Weights that do not fit the network: a missing tensor or another shape.
    case incompatibleWeights(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "\(path): cannot open: \(reason)"
        case .badFile(let path, let reason): "\(path): not a safetensors file: \(reason)"
        case .incompatibleWeights(let path, let reason): "\(path): weights do not fit this network: \(reason)"
        }
    }
}
