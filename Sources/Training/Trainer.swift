import Foundation
import Datasets

/// Settings of one training run.
public struct TrainingOptions: Sendable {
    public var epochs = 20
    public var batchSize = 256
    public var learningRate = 1e-3
    public var optimizer: OptimizerKind = .adam()
    public var schedule: LearningRateSchedule = .constant
    public var loss: Loss = .meanSquaredError
    /// Fraction of the events held out for validation (when no explicit
    /// validation set is given), taken after the seeded shuffle.
    public var validationFraction = 0.2
    /// Stop after this many epochs without a validation-loss improvement of
    /// at least `minDelta`, and restore the best weights; nil: never stop early.
    public var patience: Int? = nil
    public var minDelta = 0.0
    public var seed: UInt64 = 1
    /// Autoencoders: the target of each event is the output of this layer
    /// (e.g. a fixed input scaling), not a given target table.
    public var reconstructionTarget: String? = nil

    public init() {}
}

/// One epoch's figures.
public struct EpochRecord: Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double
    public var validationLoss: Double
    public var learningRate: Double
    public var seconds: Double
}

/// The losses per epoch and what early stopping did.
public struct TrainingHistory: Sendable {
    public var records: [EpochRecord] = []
    /// The epoch whose weights the network holds at the end (0-based).
    public var bestEpoch = 0
    public var stoppedEarly = false

    /// CSV of the loss curves: `epoch,train_loss,val_loss,learning_rate,seconds`.
    public var csv: String {
        var s = "epoch,train_loss,val_loss,learning_rate,seconds\n"
        for r in records {
            s += "\(r.epoch + 1),\(r.trainLoss),\(r.validationLoss),\(r.learningRate),\(String(format: "%.3f", r.seconds))\n"
        }
        return s
    }
}

/// Why training could not run.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    case noEvents(String)
    case shapeMismatch(String)
    case unknownLayer(String)
    case diverged(epoch: Int)
    case invalidSetting(String)

    public var description: String {
        switch self {
        case .noEvents(let what): return "no events in \(what)"
        case .shapeMismatch(let m): return "shape mismatch: \(m)"
        case .unknownLayer(let n): return "no layer named '\(n)'"
        case .diverged(let e): return "the loss became NaN or infinite in epoch \(e + 1); lower the learning rate"
        case .invalidSetting(let m): return "invalid setting: \(m)"
        }
    }
}

/// The mini-batch training loop.
public enum Trainer {
    /// Trains `network` in place. `targets` may be nil only with a
    /// reconstruction target. `validation` overrides the held-out split.
    public static func train(_ network: inout Network, inputs: Matrix, targets: Matrix?,
                             validation: (inputs: Matrix, targets: Matrix?)? = nil,
                             options: TrainingOptions,
                             progress: (EpochRecord) -> Void = { _ in }) throws(TrainingError) -> TrainingHistory {
        guard inputs.rows > 0 else { throw .noEvents("the training set") }
        guard inputs.columns == network.inputSize else {
            throw .shapeMismatch("events have \(inputs.columns) values, the network takes \(network.inputSize)")
        }
        let targetLayer: Int?
        if let name = options.reconstructionTarget {
            guard let i = network.index(of: name) else { throw .unknownLayer(name) }
            targetLayer = i
        } else {
            guard let targets else { throw .invalidSetting("targets are required without a reconstruction target") }
            guard targets.rows == inputs.rows, targets.columns == network.outputSize else {
                throw .shapeMismatch("targets are \(targets.rows)x\(targets.columns), expected \(inputs.rows)x\(network.outputSize)")
            }
            targetLayer = nil
        }
        guard options.batchSize > 0, options.epochs > 0 else { throw .invalidSetting("epochs and batch size must be positive") }
        // Zero is allowed here (a frozen run); train.json asks for more (``TrainLimits``).
        guard options.learningRate.isFinite, options.learningRate >= 0 else {
            throw .invalidSetting("learning rate \(options.learningRate) is not a finite, non-negative number")
        }
        guard validation != nil || TrainLimits.validationFraction.contains(options.validationFraction) else {
            throw .invalidSetting("validation fraction \(options.validationFraction) is outside \(TrainLimits.validationFraction)")
        }

        var rng = SeededRandom(seed: options.seed)
        var order = Array(0..<inputs.rows)
        rng.shuffle(&order)
        let trainIndices: [Int], valX: Matrix, valT: Matrix?
        if let validation {
            trainIndices = order
            valX = validation.inputs
            valT = validation.targets
        } else {
            let nVal = Int(Double(inputs.rows) * options.validationFraction)
            guard nVal > 0, nVal < inputs.rows else { throw .invalidSetting("validation fraction leaves no training or validation events") }
            trainIndices = Array(order[nVal...])
            let valIndices = order[..<nVal]
            valX = inputs.gatherRows(valIndices)
            valT = targets?.gatherRows(valIndices)
        }

        let last = network.layers.count - 1
        let fused: Bool = {
            guard targetLayer == nil, let a = network.layers[last] as? ActivationLayer, a.resultQuantizer == nil else { return false }
            return options.loss.fuses(with: a.kind)
        }()
        var optimizer = Optimizer(options.optimizer, learningRate: Float(options.learningRate))
        var history = TrainingHistory()
        var best = network
        var bestLoss = Double.infinity
        var sinceBest = 0
        var shuffled = trainIndices

        for epoch in 0..<options.epochs {
            let start = Date()
            let lr = options.schedule.rate(initial: options.learningRate, epoch: epoch)
            optimizer.learningRate = Float(lr)
            rng.shuffle(&shuffled)
            var lossSum = 0.0
            var seen = 0
            for b in stride(from: 0, to: shuffled.count, by: options.batchSize) {
                let idx = shuffled[b..<min(b + options.batchSize, shuffled.count)]
                let x = inputs.gatherRows(idx)
                let outs = network.forwardAll(x, training: true, rng: &rng)
                let y = outs[outs.count - 1]
                let t = targetLayer.map { outs[$0 + 1] } ?? targets!.gatherRows(idx)
                lossSum += options.loss.value(y, t) * Double(idx.count)
                seen += idx.count
                if fused {
                    network.backward(options.loss.fusedLogitGradient(y, t), from: last - 1)
                } else {
                    network.backward(options.loss.gradient(y, t))
                }
                network.update(with: &optimizer)
            }
            let trainLoss = lossSum / Double(seen) + network.penalty()
            let valLoss = evaluate(&network, inputs: valX, targets: valT, targetLayer: targetLayer, loss: options.loss) + network.penalty()
            guard trainLoss.isFinite, valLoss.isFinite else { throw .diverged(epoch: epoch) }
            let record = EpochRecord(epoch: epoch, trainLoss: trainLoss, validationLoss: valLoss,
                                     learningRate: lr, seconds: Date().timeIntervalSince(start))
            history.records.append(record)
            progress(record)
            if valLoss < bestLoss - options.minDelta {
                bestLoss = valLoss
                best = network
                history.bestEpoch = epoch
                sinceBest = 0
            } else {
                sinceBest += 1
                if let patience = options.patience, sinceBest >= patience {
                    history.stoppedEarly = true
                    break
                }
            }
        }
        if options.patience != nil { network = best } else { history.bestEpoch = history.records.count - 1 }
        return history
    }

    /// Mean loss over a data set in inference mode, in chunks.
    public static func evaluate(_ network: inout Network, inputs: Matrix, targets: Matrix?, targetLayer: Int?, loss: Loss) -> Double {
        var rng = SeededRandom(seed: 0)
        var total = 0.0
        let chunk = 4096
        for b in stride(from: 0, to: inputs.rows, by: chunk) {
            let idx = Array(b..<min(b + chunk, inputs.rows))
            let outs = network.forwardAll(inputs.gatherRows(idx[...]), training: false, rng: &rng)
            let t = targetLayer.map { outs[$0 + 1] } ?? targets!.gatherRows(idx[...])
            total += loss.value(outs[outs.count - 1], t) * Double(idx.count)
        }
        return total / Double(max(inputs.rows, 1))
    }

    /// Network outputs for every event in inference mode (Float, batched).
    public static func predict(_ network: inout Network, _ inputs: Matrix) -> Matrix {
        var rng = SeededRandom(seed: 0)
        var out: [Float] = []
        out.reserveCapacity(inputs.rows * network.outputSize)
        for b in stride(from: 0, to: inputs.rows, by: 4096) {
            let idx = Array(b..<min(b + 4096, inputs.rows))
            out += network.forward(inputs.gatherRows(idx[...]), training: false, rng: &rng).data
        }
        return Matrix(rows: inputs.rows, columns: network.outputSize, data: out)
    }
}
