/// A fixed-size, 64-byte aligned, zero-initialised Float buffer.
///
/// A class because it owns memory; kernels take its pointer once and work through it.
/// 64-byte alignment lets OpenBLAS and the SIMD loops use aligned loads (an unaligned
/// sgemm call at M=1 took twice as long here).
public final class AlignedBuffer: @unchecked Sendable {
    /// The first element.
    public let pointer: UnsafeMutablePointer<Float>
    /// The number of elements.
    public let count: Int

    /// A zeroed buffer of `count` floats, 64-byte aligned.
    public init(count: Int) {
        precondition(count >= 0, "AlignedBuffer: negative count \(count)")
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
        self.count = count
    }

    /// A copy of `values`.
    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    /// Sets every element to zero.
    public func zero() { pointer.update(repeating: 0, count: count) }

    /// The elements as an array.
    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    public subscript(i: Int) -> Float {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
}
