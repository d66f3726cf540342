// Oracle for src/core/images/reference.ts: reads one image reference per
// line (JSON strings) on stdin and prints what Docker's
// distribution/reference ParseNormalizedNamed makes of it, one JSON object
// per line. Used by test/oracles/image-reference/record.sh to record
// test/fixtures/image-references.jsonl.
package main

import (
	"bufio"
	_ "crypto/sha256" // registers sha256 with go-digest, as every runtime binary does
	_ "crypto/sha512" // sha384 and sha512
	"encoding/json"
	"os"

	"github.com/distribution/reference"
)

type result struct {
	Input      string `json:"input"`
	OK         bool   `json:"ok"`
	Registry   string `json:"registry,omitempty"`
	Repository string `json:"repository,omitempty"`
	Tag        string `json:"tag,omitempty"`
	Digest     string `json:"digest,omitempty"`
}

func main() {
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	out := json.NewEncoder(os.Stdout)
	for scanner.Scan() {
		var input string
		if err := json.Unmarshal(scanner.Bytes(), &input); err != nil {
			panic(err)
		}
		r := result{Input: input}
		if named, err := reference.ParseNormalizedNamed(input); err == nil {
			r.OK = true
			r.Registry = reference.Domain(named)
			r.Repository = reference.Path(named)
			if tagged, ok := named.(reference.Tagged); ok {
				r.Tag = tagged.Tag()
			}
			if digested, ok := named.(reference.Digested); ok {
				r.Digest = digested.Digest().String()
			}
		}
		if err := out.Encode(r); err != nil {
			panic(err)
		}
	}
	if err := scanner.Err(); err != nil {
		panic(err)
	}
}
