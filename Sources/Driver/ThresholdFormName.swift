import NetlistLowering

/// How threshold ops count (`--threshold-form`), for the command line, which sees only the Driver.
public typealias ThresholdForm = NetlistLowering.ThresholdForm
