module example.com/ext

go 1.26

require example.com/deep v0.0.0
