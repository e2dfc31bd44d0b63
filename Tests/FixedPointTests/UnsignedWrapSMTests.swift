import FixedPoint
import Testing

@Suite struct UnsignedWrapSMTests {
    /// The Vitis headers exit at construction of ap_ufixed<..., AP_WRAP_SM>:
    /// we reject the type with a message instead of inventing a meaning.
    @Test func unsignedSignMagnitudeWrapIsRejected() {
        #expect(throws: FixedTypeError.unsignedWrapSM) {
            try FixedType(parsing: "ap_ufixed<8,4,AP_TRN,AP_WRAP_SM>")
        }
        #expect(FixedTypeError.unsignedWrapSM.description.contains("signed types only"))
        #expect((try? FixedType(parsing: "ap_fixed<8,4,AP_TRN,AP_WRAP_SM>")) != nil)
    }
}
