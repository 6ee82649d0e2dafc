package routes;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The package structure, kept as the code grows (docs/operations.md, "Java packages"): packages form no cycle; only
 * the owner of a table writes its SQL; the agent, which runs without a database, never reaches the SQL store; the
 * HTTP edge ({@code api}) sits on top of the domain and nothing depends on it; Redis's keys and scripts
 * ({@code redis}) and what crosses Redis between control and agent ({@code message}) stay at the bottom, with the
 * settings.
 * The classes are the same whatever the stores: the pass on external stores skips it.
 */
@DisabledIf("routes.support.TestStores#external")
class ArchitectureTest {

    private static final JavaClasses CARAVAN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("routes");

    private static final DescribedPredicate<JavaClass> JDBC = assignableTo(JdbcClient.class)
            .or(assignableTo(JdbcOperations.class))
            .or(assignableTo(DataSource.class))
            .as("are JDBC (JdbcClient, JdbcOperations, DataSource)");

    /** What talks to the database: JDBC itself, and every class of Caravan named a store. */
    private static final DescribedPredicate<JavaClass> SQL_STORE = JDBC
            .or(resideInAPackage("routes..").and(simpleNameEndingWith("Store")))
            .as("are the SQL store (JDBC, or a class of Caravan named *Store)");

    @Test
    void packagesDependOnEachOtherInOneDirectionOnly() {
        slices().matching("routes.(*)..").namingSlices("$1").should().beFreeOfCycles().check(CARAVAN);
    }

    /**
     * Each table has one owner (docs/operations.md), and only the owners write SQL: a loop or an orchestrator that
     * needs a table goes through its owner. A new table's owner joins this list.
     */
    @Test
    void onlyTheOwnersOfTheTablesTalkToTheDatabase() {
        noClasses().that(not(nameMatching("routes\\.(task\\.(TaskStore|TaskQueries|ReportRecorder|TaskEvents|OutputStore|CallbackStore|ChainStore|WorkflowStore|WorkflowQueries)"
                        + "|job\\.(JobStore|FireStore)|resident\\.ResidentStore|code\\.VersionCatalog"
                        + "|fleet\\.DrainRequests|alert\\.(AlertRuleStore|AlertStore|AlertChannelStore|AlertDeliveryStore)|access\\.(UserStore|TokenStore|AuditLog)|webhook\\.ClaimedOutbox)(\\$.*)?")).as("are not the owner of a table"))
                .should().dependOnClassesThat(JDBC)
                .check(CARAVAN);
    }

    @Test
    void agentCodeNeverReachesTheSqlStore() {
        noClasses().that().resideInAPackage("routes.agent..")
                .should().transitivelyDependOnClassesThat(SQL_STORE)
                .check(CARAVAN);
    }

    @Test
    void agentCodeKnowsOnlySettingsMessagesRedisTheQuarantineAndTheLogContext() {
        noClasses().that().resideInAPackage("routes.agent..")
                .should().dependOnClassesThat(caravanOutside("routes.agent..", "routes.config..", "routes.message..",
                        "routes.redis..", "routes.quarantine..", "routes.logs.."))
                .check(CARAVAN);
    }

    @Test
    void nothingDependsOnTheHttpEdge() {
        noClasses().that().resideOutsideOfPackage("routes.api..")
                .should().dependOnClassesThat().resideInAPackage("routes.api..")
                .check(CARAVAN);
    }

    @Test
    void redisKeysAndScriptsKnowOnlySettingsAndMessages() {
        noClasses().that().resideInAPackage("routes.redis..")
                .should().dependOnClassesThat(caravanOutside("routes.redis..", "routes.config..", "routes.message.."))
                .check(CARAVAN);
    }

    @Test
    void settingsSharedTermsMessagesAndTheLogContextDependOnNoOtherPackage() {
        for (String ground : new String[] {"routes.config..", "routes.domain..", "routes.message..", "routes.logs.."}) {
            noClasses().that().resideInAPackage(ground)
                    .should().dependOnClassesThat(caravanOutside(ground))
                    .allowEmptyShould(false)
                    .check(CARAVAN);
        }
    }

    /** Caravan's classes outside the given packages. */
    private static DescribedPredicate<JavaClass> caravanOutside(String... packages) {
        return resideInAPackage("routes..").and(not(resideInAnyPackage(packages)))
                .as("are Caravan's, outside " + String.join(", ", packages));
    }
}
