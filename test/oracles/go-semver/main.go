// Oracle for src/core/images/versions/go.ts: reads pairs of Go module versions (a JSON
// array of two strings per line) on stdin and prints golang.org/x/mod/semver's
// Compare and IsValid for them, one JSON object per line. Used by
// test/oracles/go-semver/record.sh to record test/fixtures/go-semver.jsonl.
package main

import (
	"bufio"
	"encoding/json"
	"os"

	"golang.org/x/mod/semver"
)

type result struct {
	A       string `json:"a"`
	B       string `json:"b"`
	ValidA  bool   `json:"validA"`
	ValidB  bool   `json:"validB"`
	Compare int    `json:"compare"`
}

func main() {
	scanner := bufio.NewScanner(os.Stdin)
	out := json.NewEncoder(os.Stdout)
	for scanner.Scan() {
		var pair [2]string
		if err := json.Unmarshal(scanner.Bytes(), &pair); err != nil {
			panic(err)
		}
		if err := out.Encode(result{pair[0], pair[1], semver.IsValid(pair[0]), semver.IsValid(pair[1]), semver.Compare(pair[0], pair[1])}); err != nil {
			panic(err)
		}
	}
}
