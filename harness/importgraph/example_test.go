package importgraph_test

import (
	"fmt"

	"github.com/coldstart-dev/coldstart/harness/importgraph"
)

func ExampleMatch() {
	for _, path := range []string{
		"github.com/aws/aws-sdk-go",
		"github.com/aws/aws-sdk-go/service/s3",
		"github.com/aws/aws-sdk-go-v2/service/s3",
	} {
		fmt.Println(path, importgraph.Match("github.com/aws/aws-sdk-go/...", path))
	}
	// Output:
	// github.com/aws/aws-sdk-go true
	// github.com/aws/aws-sdk-go/service/s3 true
	// github.com/aws/aws-sdk-go-v2/service/s3 false
}

func ExampleValidPattern() {
	fmt.Println(importgraph.ValidPattern("net/..."))
	fmt.Println(importgraph.ValidPattern("./cmd/api"))
	// Output:
	// <nil>
	// package pattern "./cmd/api": relative path element "."; name import paths
}
