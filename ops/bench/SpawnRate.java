import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The raw process-spawn rate of this machine from a JVM: runs a command N times on P threads, the way an
 * agent with P slots would but with nothing else around it, and prints the rate.
 * Usage: java SpawnRate.java N P command [args...]
 */
public class SpawnRate {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        String[] command = java.util.Arrays.copyOfRange(args, 2, args.length);
        AtomicInteger left = new AtomicInteger(n);
        // warm up the spawn path before timing
        for (int i = 0; i < 50; i++) {
            new ProcessBuilder(command).start().waitFor();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                    p.getInputStream().readAllBytes();
                    p.waitFor();
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%.1f%n", n / seconds);
    }
}
