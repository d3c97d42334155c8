// min-char-rnn's example on this engine: after "h", "he", "hel", "hell" the next letters
// are "e", "l", "l", "o". One-hot letters in, a logit per letter out at every step
// (many-to-many), softmax cross-entropy, Adam. `swift run -c release HelloRNN [rnn|gru|lstm]`.
import Neural

let vocabulary: [Character] = ["h", "e", "l", "o"]
let cell: CellKind = switch CommandLine.arguments.dropFirst().first {
case "gru": .gru
case "lstm": .lstm
default: .rnnTanh
}
let x = "hell".flatMap { ch in vocabulary.map { $0 == ch ? Float(1) : 0 } }   // [1, 4 steps, 4]
let y = "ello".map { Float(vocabulary.firstIndex(of: $0)!) }                   // class per step
let network = RecurrentNetwork(NetworkConfiguration(cell: cell, inputSize: 4, hiddenSize: 8, outputSize: 4,
                                                    outputMode: .everyStep), seed: 1)
let adam = Optimizer(.adam, learningRate: 0.02, parameterCount: network.parameters.count)

func predicted(_ network: RecurrentNetwork) -> String {
    let logits = network.forward(x, batch: 1, steps: 4)
    return String((0..<4).map { t in
        let row = Array(logits[(t * 4)..<(t * 4 + 4)])
        return vocabulary[row.firstIndex(of: row.max()!)!]
    })
}

for step in 0...300 {
    network.zeroGradients()
    let logits = network.forward(x, batch: 1, steps: 4, training: true)
    let (loss, gradient) = Loss.softmaxCrossEntropy.evaluate(prediction: logits, target: y)
    if step % 50 == 0 { print("step \(step): loss \((loss * 10_000).rounded() / 10_000), hell -> \(predicted(network))") }
    network.backward(gradient)
    GradientClipping.clipByGlobalNorm(network.gradients, maxNorm: 5)
    adam.update(network.parameters, gradients: network.gradients)
}
