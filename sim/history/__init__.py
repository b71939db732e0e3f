"""History: real cities' data, presets built from them, the fit of behavioural parameters, validation."""
