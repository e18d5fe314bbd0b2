module github.com/bwvoice/bwvoice/bindings/go

go 1.24
