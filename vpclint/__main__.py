from vpclint.main import main

main()
