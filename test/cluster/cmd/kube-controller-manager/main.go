// The real kube-controller-manager, for tests that need controllers (ClusterRole aggregation,
// service accounts and their tokens).
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	command := app.NewControllerManagerCommand()
	os.Exit(cli.Run(command))
}
