extension FixedType {
    /// Parses the Vitis spelling of a type: `ap_fixed<W,I[,Q[,O[,N]]]>`,
    /// `ap_ufixed<...>`, `ap_int<W>`, `ap_uint<W>`. Mode names may omit the
    /// `AP_` prefix. White space is ignored.
    public init(parsing text: String) throws(FixedTypeError) {
        let compact = text.filter { !$0.isWhitespace }
        guard let open = compact.firstIndex(of: "<"), compact.last == ">" else {
            throw .syntax(text, reason: "missing <...>")
        }
        let head = compact[..<open].lowercased()
        let inner = compact[compact.index(after: open)..<compact.index(before: compact.endIndex)]
        let args = inner.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !args.contains(where: \.isEmpty) else { throw .syntax(text, reason: "empty parameter") }

        func integer(_ s: String, _ what: String) throws(FixedTypeError) -> Int {
            guard let v = Int(s) else { throw .syntax(text, reason: "\(what) '\(s)' is not an integer") }
            return v
        }

        switch head {
        case "ap_int", "ap_uint":
            guard args.count == 1 else { throw .syntax(text, reason: "\(head) takes exactly one parameter") }
            let w = try integer(args[0], "W")
            try self.init(signed: head == "ap_int", width: w, integerBits: w)
        case "ap_fixed", "ap_ufixed":
            guard (2...5).contains(args.count) else {
                throw .syntax(text, reason: "\(head) takes 2 to 5 parameters, got \(args.count)")
            }
            let w = try integer(args[0], "W")
            let i = try integer(args[1], "I")
            var q = QuantizationMode.trn
            var o = OverflowMode.wrap
            var n = 0
            if args.count > 2 {
                guard let parsed = QuantizationMode(name: args[2]) else { throw .unknownQuantization(args[2]) }
                q = parsed
            }
            if args.count > 3 {
                guard let parsed = OverflowMode(name: args[3]) else { throw .unknownOverflow(args[3]) }
                o = parsed
            }
            if args.count > 4 { n = try integer(args[4], "N") }
            try self.init(signed: head == "ap_fixed", width: w, integerBits: i,
                          quantization: q, overflow: o, saturationBits: n)
        default:
            throw .syntax(text, reason: "unknown type name '\(compact[..<open])'")
        }
    }
}
