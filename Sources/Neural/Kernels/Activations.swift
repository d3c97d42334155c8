import CKernels

/// Vectorised activations and their use in place over Float buffers.
///
/// tanh is Eigen's rational [13/6] approximation on [-7.9053, 7.9053] (max abs error
/// 3.7e-7 against Double here), about 0.6 ns an element against 13 ns for libm's tanhf;
/// sigmoid(x) = 0.5 + 0.5 * tanh(x / 2).
public enum Activations {
    typealias V = SIMD16<Float>

    @inline(__always)
    static func tanh(_ x: V) -> V {
        // Clamp with masks: SIMD.clamped and pointwiseMin/Max compile to slow lane loops.
        var xc = x.replacing(with: -7.90531110763549805, where: x .< -7.90531110763549805)
        xc.replace(with: 7.90531110763549805, where: xc .> 7.90531110763549805)
        let x2 = xc * xc
        var p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13
        p = x2 * p + -8.60467152213735e-11
        p = x2 * p + 5.12229709037114e-08
        p = x2 * p + 1.48572235717979e-05
        p = x2 * p + 6.37261928875436e-04
        p = x2 * p + 4.89352455891786e-03
        p = xc * p
        var q = x2 * 1.19825839466702e-06 + 1.18534705686654e-04
        q = x2 * q + 2.26843463243900e-03
        q = x2 * q + 4.89352518554385e-03
        return p / q
    }

    /// The same approximation for one value (loop tails).
    @inline(__always)
    public static func tanh(_ x: Float) -> Float {
        let xc = x < -7.90531110763549805 ? -7.90531110763549805 : (x > 7.90531110763549805 ? 7.90531110763549805 : x)
        let x2 = xc * xc
        var p: Float = x2 * -2.76076847742355e-16 + 2.00018790482477e-13
        p = x2 * p + -8.60467152213735e-11
        p = x2 * p + 5.12229709037114e-08
        p = x2 * p + 1.48572235717979e-05
        p = x2 * p + 6.37261928875436e-04
        p = x2 * p + 4.89352455891786e-03
        p = xc * p
        var q: Float = x2 * 1.19825839466702e-06 + 1.18534705686654e-04
        q = x2 * q + 2.26843463243900e-03
        q = x2 * q + 4.89352518554385e-03
        return p / q
    }

    /// The logistic function, as 0.5 + 0.5 tanh(x / 2).
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { 0.5 + 0.5 * tanh(0.5 * x) }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }

    /// The kernel path the buffer kernels run on: `avx512`, `avx2` or `portable`; the widest
    /// the CPU has unless `FORECAST_KERNELS` names one (which also switches OpenBLAS).
    public static var instructionSet: String { String(cString: ck_isa()) }

    /// The core OpenBLAS runs its products on (`SkylakeX`, `Haswell`, `Zen`, ...).
    public static var blasCore: String {
        _ = GEMM.configured
        return String(cString: ck_blas_core())
    }

    /// Why `FORECAST_KERNELS` was not honoured (the widest path runs instead), or nil.
    public static var kernelRequestError: String? { ck_request_error().map { String(cString: $0) } }

    /// `y[i] = tanh(x[i])` for `count` elements; `y` may be `x`. Runs the C kernel built
    /// for this CPU's widest vectors (AVX-512 here: 16 lanes with FMA, against the 4 SSE
    /// lanes Swift is compiled for).
    public static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        ck_tanh(x, y, count)
    }

    /// `y[i] = sigmoid(x[i])`; `y` may be `x`. The C kernel, as `tanh`.
    public static func sigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        ck_sigmoid(x, y, count)
    }

    /// The Swift SIMD16 version of `tanh` over a buffer: the reference the tests hold the
    /// C kernel to.
    public static func tanhSwift(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i &+ 16 <= count {
            store(tanh(load(x + i)), y + i)
            i &+= 16
        }
        while i < count {
            y[i] = tanh(x[i])
            i &+= 1
        }
    }

    /// The Swift SIMD16 version of `sigmoid` over a buffer.
    public static func sigmoidSwift(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i &+ 16 <= count {
            store(0.5 + 0.5 * tanh(0.5 * load(x + i)), y + i)
            i &+= 16
        }
        while i < count {
            y[i] = sigmoid(x[i])
            i &+= 1
        }
    }
}
