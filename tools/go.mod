// This stub keeps tools/node_modules (aws-cdk ships *.template.go files) out of the Go module.
module meldwijzer/tools

go 1.26
