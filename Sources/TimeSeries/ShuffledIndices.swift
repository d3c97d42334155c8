/// 0..<count in a random order drawn from `generator` by Fisher-Yates (j = next() mod (i + 1),
/// i from the end), so the order depends only on the generator's stream: the sample order of
/// every epoch of every trainer.
public func shuffledIndices(_ count: Int, using generator: inout some RandomNumberGenerator) -> [Int] {
    var order = Array(0..<count)
    for i in stride(from: count - 1, to: 0, by: -1) {
        order.swapAt(i, Int(generator.next() % UInt64(i + 1)))
    }
    return order
}
