// Package bench holds benchmarks that compare fugong against peer libraries
// (cel-go for the rule engine). It is a module of its own so that the main
// module's go.mod requires only what the fugong binary links: the peers are
// required here, and fugong itself comes from the enclosing directory
// through a replace directive. Run: cd bench && go test -run '^$' -bench . ./...
package bench
