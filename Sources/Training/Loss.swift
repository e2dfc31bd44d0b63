import Foundation

/// Training losses, averaged over the batch (and over outputs for MSE and
/// BCE, as Keras does).
public enum Loss: String, Sendable, CaseIterable {
    case meanSquaredError = "mse"
    case binaryCrossEntropy = "binary_crossentropy"
    case categoricalCrossEntropy = "categorical_crossentropy"

    /// Probabilities are clipped away from 0 and 1 (Keras' epsilon) so that
    /// the logarithms stay finite.
    static let clip: Float = 1e-7

    /// The loss of predictions `y` against targets `t` (same shape).
    public func value(_ y: Matrix, _ t: Matrix) -> Double {
        precondition(y.rows == t.rows && y.columns == t.columns, "Loss: shape mismatch")
        var s = 0.0
        switch self {
        case .meanSquaredError:
            for i in y.data.indices { let d = Double(y.data[i] - t.data[i]); s += d * d }
            return s / Double(y.data.count)
        case .binaryCrossEntropy:
            for i in y.data.indices {
                let p = Double(min(max(y.data[i], Loss.clip), 1 - Loss.clip)), tt = Double(t.data[i])
                s -= tt * log(p) + (1 - tt) * log(1 - p)
            }
            return s / Double(y.data.count)
        case .categoricalCrossEntropy:
            for i in y.data.indices where t.data[i] != 0 {
                s -= Double(t.data[i]) * log(Double(min(max(y.data[i], Loss.clip), 1)))
            }
            return s / Double(y.rows)
        }
    }

    /// d loss / d y.
    public func gradient(_ y: Matrix, _ t: Matrix) -> Matrix {
        var g = Matrix(rows: y.rows, columns: y.columns)
        switch self {
        case .meanSquaredError:
            let scale = 2 / Float(y.data.count)
            for i in y.data.indices { g.data[i] = scale * (y.data[i] - t.data[i]) }
        case .binaryCrossEntropy:
            let scale = 1 / Float(y.data.count)
            for i in y.data.indices {
                let p = min(max(y.data[i], Loss.clip), 1 - Loss.clip)
                g.data[i] = scale * (p - t.data[i]) / (p * (1 - p))
            }
        case .categoricalCrossEntropy:
            let scale = 1 / Float(y.rows)
            for i in y.data.indices where t.data[i] != 0 {
                g.data[i] = -scale * t.data[i] / min(max(y.data[i], Loss.clip), 1)
            }
        }
        return g
    }

    /// The gradient with respect to the logits when this loss follows its
    /// natural output activation (softmax for categorical CE, sigmoid for
    /// BCE): `(p - t)` scaled, which is exact and avoids dividing by tiny p.
    func fusedLogitGradient(_ p: Matrix, _ t: Matrix) -> Matrix {
        var g = Matrix(rows: p.rows, columns: p.columns)
        let scale = self == .categoricalCrossEntropy ? 1 / Float(p.rows) : 1 / Float(p.data.count)
        for i in p.data.indices { g.data[i] = scale * (p.data[i] - t.data[i]) }
        return g
    }

    /// Whether `activation` as the last layer allows ``fusedLogitGradient(_:_:)``.
    func fuses(with activation: ActivationKind) -> Bool {
        switch (self, activation) {
        case (.categoricalCrossEntropy, .softmax), (.binaryCrossEntropy, .sigmoid): return true
        default: return false
        }
    }
}
