# fish completion for bench-agg
# usage: bench-agg [-alq] [-c LEVEL] [-g FIELDS] [-k KIND] [-m NAMES] [-o FILE] [-p LIST] [-t N] [FILE ...]
complete -c bench-agg -s a -l approx -d 'keep a quantile sketch, not every value'
complete -c bench-agg -s c -l ci -x -a '90 95 99 99.9' -d 'confidence level in percent'
complete -c bench-agg -s g -l by -x -a 'model,backend,params,labels,host_id model,params.batch' -d 'group key: dotted paths, comma-separated'
complete -c bench-agg -s h -l help -d 'show help and exit'
complete -c bench-agg -s k -l kind -x -a 'sample result' -d 'aggregate sample or result records'
complete -c bench-agg -s l -l lenient -d 'skip invalid lines instead of stopping'
complete -c bench-agg -s m -l metric -x -a 'latency_ms items tokens user_ms sys_ms max_rss_mb tflops gbps' -d 'metrics to aggregate, comma-separated'
complete -c bench-agg -s o -l output -r -F -d 'append to FILE'
complete -c bench-agg -s p -l percentiles -x -d 'percentiles to report'
complete -c bench-agg -s q -l quiet -d 'no noise warnings on standard error'
complete -c bench-agg -s t -l threads -x -a '1 2 4' -d 'number of threads'
complete -c bench-agg -l version -d 'show the version and exit'
