package routes.message;

/** A fire of a job at its scheduled time (epoch ms); in the time wheel as "jobId@scheduledAt". */
public record PlannedFire(String jobId, long scheduledAt) {

    public String member() {
        return jobId + "@" + scheduledAt;
    }

    public static PlannedFire parse(String member) {
        int at = member.lastIndexOf('@');
        return new PlannedFire(member.substring(0, at), Long.parseLong(member.substring(at + 1)));
    }
}
