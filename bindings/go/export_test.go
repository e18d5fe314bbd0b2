package bwvoice

// For the tests in package bwvoice_test, which cannot use cgo.

// HeaderVersionNumber is BW_VERSION_NUMBER of the bwvoice.h compiled in.
const HeaderVersionNumber = headerVersion
