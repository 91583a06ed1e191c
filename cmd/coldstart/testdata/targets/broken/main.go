// Command broken does not compile: the build-failure case.
package main

func main() {
	var x int = "not a number"
	_ = x
}
