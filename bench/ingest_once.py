"""One ingest of FOLDER with the code at ROOT (another checkout, e.g. `git archive 58d671f | tar -x -C /tmp/base`,
for before/after on the same corpus): python bench/ingest_once.py ROOT FOLDER WORKERS WAREHOUSE (WORKERS 0: the
code has no pool). Prints seconds, stage seconds and counts as JSON. The warehouse file is replaced."""
import sys, time, os, json
def main():
    root=sys.argv[1]; folder=sys.argv[2]; workers=int(sys.argv[3]); wh_path=sys.argv[4]
    sys.path[:0]=[root]
    from tasks.load import list_folder
    from tasks.pipeline import ingest_listing
    from tasks.warehouse import Warehouse, apply_migrations
    for p in (wh_path, wh_path+".wal"):
        if os.path.exists(p): os.remove(p)
    wh=Warehouse(wh_path)
    with wh.connect() as con: apply_migrations(con)
    kw={} if workers==0 else {"workers":workers}
    if workers:
        from tasks.parallel import worker_pool
        with worker_pool(workers) as pool:
            pool.map(list, [1]*20) if workers>1 else None
            t=time.perf_counter(); tally=ingest_listing(wh,"r1",list_folder(folder),200)
    else:
        t=time.perf_counter(); tally=ingest_listing(wh,"r1",list_folder(folder),200)
    dt=time.perf_counter()-t
    print(json.dumps({"root":root,"workers":workers,"seconds":round(dt,2),"docs_per_s":round(tally.inputs/dt,1),"stages":{k:round(v,1) for k,v in tally.seconds.items() if v},"cpu":{k:round(v,1) for k,v in tally.cpu_seconds.items()} if hasattr(tally,"cpu_seconds") else None, "articles":tally.as_dict()["articles"], "extracted":tally.as_dict()["extracted"]}))
    
if __name__=='__main__': main()