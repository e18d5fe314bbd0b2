module github.com/bwvoice/bwvoice/bench/go

go 1.24

require github.com/bwvoice/bwvoice/bindings/go v0.0.0

replace github.com/bwvoice/bwvoice/bindings/go => ../../bindings/go
