from benchmarks.identity.runner import main

main()
