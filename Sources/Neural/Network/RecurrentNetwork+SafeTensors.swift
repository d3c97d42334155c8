import Files

extension RecurrentNetwork {
    /// Every parameter as a safetensors tensor under its PyTorch name.
    public var namedTensors: [String: SafeTensors.Tensor] {
        var out: [String: SafeTensors.Tensor] = [:]
        for t in layout.tensors {
            out[t.name] = SafeTensors.Tensor(shape: t.shape, values: tensor(t.name) ?? [])
        }
        return out
    }

    /// Loads weights from a state dict. Names may carry the `rnn.` / `head.` prefixes of
    /// this layout, or be those of a bare `nn.GRU` (`weight_ih_l0`, ...) with the head as
    /// `head.weight`, `head.bias`. Every tensor must be present with its shape.
    public func load(_ tensors: [String: SafeTensors.Tensor], source: String = "<weights>") throws(NeuralError) {
        for t in layout.tensors {
            let bare = t.name.hasPrefix("rnn.") ? String(t.name.dropFirst(4)) : t.name
            guard let found = tensors[t.name] ?? tensors[bare] else {
                throw .incompatibleWeights(path: source, reason: "tensor \(t.name) is missing")
            }
            guard found.shape == t.shape else {
                throw .incompatibleWeights(path: source, reason: "tensor \(t.name) has shape \(found.shape), expected \(t.shape)")
            }
            if let bad = found.values.firstIndex(where: { !$0.isFinite }) {
                throw .incompatibleWeights(path: source, reason: "tensor \(t.name) holds \(found.values[bad]) at index \(bad)")
            }
            setTensor(t.name, found.values)
        }
    }

    /// Writes the weights and `metadata` to a safetensors file (atomically).
    public func save(to path: String, metadata: [String: String] = [:]) throws(FileError) {
        try SafeTensors.write(SafeTensors.File(tensors: namedTensors, metadata: metadata), to: path)
    }
}
