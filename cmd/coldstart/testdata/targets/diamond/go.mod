module example.com/diamond

go 1.26

require (
	example.com/deep v0.0.0
	example.com/ext v0.0.0
)

replace (
	example.com/deep => ./deep
	example.com/ext => ./ext
)
