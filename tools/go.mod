// This stub keeps tools/node_modules (aws-cdk ships *.template.go files) out of the Go module.
module meldwijzer/tools

go 1.26.0

require github.com/zitadel/oidc/v3 v3.52.0 // indirect
