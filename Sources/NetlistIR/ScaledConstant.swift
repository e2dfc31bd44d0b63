extension Netlist {
    /// The constant `v * 2^scale` held at exactly `scale` (``constant(_:scale:name:)``
    /// moves trailing zero bits into the scale): for mux inputs, which must share one scale.
    public mutating func constant(_ v: Int128, exactScale scale: Int, name: String) -> NodeID {
        append(.constant(v), Interval(exactly: v), scale: scale, name: name, comment: "\(v)")
    }
}
