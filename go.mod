module meldwijzer

go 1.26.8

require (
	github.com/aws/aws-lambda-go v1.55.1
	github.com/blevesearch/snowballstem v0.9.0
	github.com/goccy/go-yaml v1.19.2
	golang.org/x/text v0.44.0
)
