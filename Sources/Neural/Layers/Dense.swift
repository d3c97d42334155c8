/// A fully connected layer, `y = x @ W^T + b`, with PyTorch's `nn.Linear` layout:
/// `weight` [O, I], `bias` [O].
public struct Dense: Sendable {
    public let inputSize: Int
    public let outputSize: Int
    let weight: Int
    let bias: Int

    /// Adds `{prefix}weight` and `{prefix}bias` to `layout`.
    public init(inputSize: Int, outputSize: Int, prefix: String, layout: inout ParameterLayout) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        weight = layout.add("\(prefix)weight", shape: [outputSize, inputSize])
        bias = layout.add("\(prefix)bias", shape: [outputSize])
    }

    /// y[N, O] = x[N, I] @ W^T + b.
    func forward(output y: UnsafeMutablePointer<Float>, input x: UnsafePointer<Float>, rows: Int,
                 parameters p: UnsafePointer<Float>) {
        for r in 0..<rows { (y + r * outputSize).update(from: p + bias, count: outputSize) }
        GEMM.multiply(false, true, m: rows, n: outputSize, k: inputSize, x, lda: inputSize, p + weight,
                      ldb: inputSize, beta: 1, y, ldc: outputSize)
    }

    /// dW += dy^T @ x, db += column sums of dy, dx = dy @ W ([N, I], when `dInput` is given).
    func backward(dInput dx: UnsafeMutablePointer<Float>?, gradients gp: UnsafeMutablePointer<Float>,
                  dOutput dy: UnsafePointer<Float>, input x: UnsafePointer<Float>, rows: Int,
                  parameters p: UnsafePointer<Float>) {
        GEMM.multiply(true, false, m: outputSize, n: inputSize, k: rows, dy, lda: outputSize, x, ldb: inputSize,
                      beta: 1, gp + weight, ldc: inputSize)
        addColumnSums(of: dy, rows: rows, width: outputSize, to: gp + bias)
        if let dx {
            GEMM.multiply(false, false, m: rows, n: inputSize, k: outputSize, dy, lda: outputSize, p + weight,
                          ldb: inputSize, dx, ldc: inputSize)
        }
    }
}
