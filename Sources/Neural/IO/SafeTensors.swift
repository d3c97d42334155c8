#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Files
import Support

/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON
/// header naming each tensor's dtype, shape and byte range, then the raw little-endian data.
/// `safetensors.torch.load_file` reads what `write` produces, and `read` takes the F32
/// (and F64, F16, BF16, converted) tensors of files PyTorch wrote with `save_file`.
public enum SafeTensors {
    /// One tensor: shape and values, row-major.
    public struct Tensor: Sendable, Equatable {
        public var shape: [Int]
        public var values: [Float]

        /// A float32 tensor of `shape` with its values in row-major order.
        public init(shape: [Int], values: [Float]) {
            precondition(shape.reduce(1, *) == values.count, "SafeTensors.Tensor: shape \(shape) for \(values.count) values")
            self.shape = shape
            self.values = values
        }
    }

    /// A file's contents: tensors by name, and the string metadata map (`__metadata__`).
    public struct File: Sendable, Equatable {
        public var tensors: [String: Tensor]
        public var metadata: [String: String]

        /// A file's tensors by name and its string metadata.
        public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
            self.tensors = tensors
            self.metadata = metadata
        }
    }

    /// The bytes of a file holding `file`, tensors in name order, header padded with
    /// spaces to a multiple of 8 bytes as the reference writer does.
    public static func encode(_ file: File) -> [UInt8] {
        var header: [(String, JSONValue)] = []
        if !file.metadata.isEmpty {
            header.append(("__metadata__", .object(file.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        var offset = 0
        let names = file.tensors.keys.sorted()
        for name in names {
            let t = file.tensors[name]!  // name comes from the dictionary's own keys
            let end = offset + t.values.count * 4
            header.append((name, .object([("dtype", .string("F32")), ("shape", .array(t.shape.map { .number(Double($0)) })),
                                          ("data_offsets", .array([.number(Double(offset)), .number(Double(end))]))])))
            offset = end
        }
        var json = Array(JSONValue.object(header).text.utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + json.count + offset)
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { bytes += $0 }
        bytes += json
        for name in names {
            // Float's bit pattern, written little-endian.
            for v in file.tensors[name]!.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        }
        return bytes
    }

    /// Parses the bytes of a safetensors file.
    public static func decode(_ bytes: [UInt8], name: String = "<safetensors>") throws(NeuralError) -> File {
        func bad(_ why: String) -> NeuralError { .badFile(path: name, reason: why) }
        guard bytes.count >= 8 else { throw bad("shorter than the 8-byte header length") }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(bytes.count - 8), n <= 100_000_000 else { throw bad("header length \(n) beyond the file") }
        let headerEnd = 8 + Int(n)
        guard let header = JSONValue.parse(String(decoding: bytes[8..<headerEnd], as: UTF8.self)),
              let pairs = header.objectPairs else { throw bad("the header is not a JSON object") }
        let dataSize = bytes.count - headerEnd
        var file = File(tensors: [:])
        for (key, value) in pairs {
            if key == "__metadata__" {
                for (k, v) in value.objectPairs ?? [] {
                    guard let s = v.string else { throw bad("metadata \"\(k)\" is not a string") }
                    file.metadata[k] = s
                }
                continue
            }
            // Whole numbers in 0...2^53 only: a crafted 1e300 or -1 never reaches `Int(_:)`'s trap.
            func size(_ value: JSONValue) -> Int? {
                guard let n = value.number, n >= 0, n <= 9_007_199_254_740_992, n == n.rounded() else { return nil }
                return Int(n)
            }
            guard let dtype = value["dtype"]?.string, let shapeValues = value["shape"]?.array,
                  let offsets = value["data_offsets"]?.array, offsets.count == 2,
                  let begin = size(offsets[0]), let end = size(offsets[1])
            else { throw bad("tensor \"\(key)\" lacks dtype, shape or data_offsets (whole numbers 0 or more)") }
            let shape = shapeValues.compactMap(size)
            guard shape.count == shapeValues.count, shape.count <= 8 else { throw bad("tensor \"\(key)\" has a bad shape") }
            // The element count, bounded by the data there is (no overflow, no huge allocation).
            var count = 1
            for dimension in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= dataSize else {
                    throw bad("tensor \"\(key)\": shape \(shape) holds more values than the file has bytes")
                }
                count = product
            }
            let width: Int
            switch dtype {
            case "F32": width = 4
            case "F64": width = 8
            case "F16", "BF16": width = 2
            default: throw bad("tensor \"\(key)\" has dtype \(dtype); F32, F64, F16 and BF16 are read")
            }
            guard begin >= 0, end >= begin, end <= dataSize, end - begin == count * width else {
                throw bad("tensor \"\(key)\": data_offsets [\(begin), \(end)] do not fit \(count) \(dtype) values")
            }
            var values = [Float](repeating: 0, count: count)
            let base = headerEnd + begin
            for i in 0..<count {
                let p = base + i * width
                var raw: UInt64 = 0
                for k in 0..<width { raw |= UInt64(bytes[p + k]) << (8 * UInt64(k)) }
                switch dtype {
                case "F32": values[i] = Float(bitPattern: UInt32(raw))
                case "F64": values[i] = Float(Double(bitPattern: raw))
                case "F16": values[i] = Float(Float16(bitPattern: UInt16(raw)))
                default: values[i] = Float(bitPattern: UInt32(raw) << 16)  // BF16: the top half of a Float
                }
            }
            file.tensors[key] = Tensor(shape: shape, values: values)
        }
        return file
    }

    /// Reads a file.
    public static func read(path: String) throws(NeuralError) -> File {
        guard let handle = fopen(path, "rb") else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { fclose(handle) }
        var info = stat()
        if fstat(fileno(handle), &info) == 0, FileKind(mode: info.st_mode) == .directory {
            throw .cannotOpen(path: path, reason: "it is a directory")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&chunk, 1, chunk.count, handle)
            if n > 0 { bytes += chunk[0..<n] }
            if n < chunk.count { break }
        }
        if ferror(handle) != 0 { throw .cannotOpen(path: path, reason: "read error: \(String(cString: strerror(errno)))") }
        return try decode(bytes, name: path)
    }

    /// Writes `file` to `path` with `SafeFile`: a crash never leaves half a file, and a
    /// target that is not a regular file is never replaced.
    public static func write(_ file: File, to path: String) throws(FileError) {
        try SafeFile.write(encode(file), to: path)
    }
}
