package dev.tollgate.local;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of SPEC §2 over the product: shared's and every function's main classes. This module depends
 * on every function module, so all of them are on its class path; tests (including shared's test-jar) are left out.
 * Plain JUnit tests rather than ArchUnit's {@code @ArchTest} fields, which Surefire 3.5.3 does not run
 * (TNG/ArchUnit#1442).
 */
class ArchitectureTest {
    private static final JavaClasses PRODUCT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(new DoNotIncludeTestJars())
            .importPackages("dev.tollgate");
    private static final String FUNCTIONS = "dev.tollgate.functions..";
    /** Modules that never ship: the local runner, the test kit and the benchmarks. */
    private static final String[] NOT_PRODUCT = {
            "dev.tollgate.local..", "dev.tollgate.testkit..", "dev.tollgate.bench.."};
    private static final String[] NOT_SHARED = {
            FUNCTIONS, "dev.tollgate.local..", "dev.tollgate.testkit..", "dev.tollgate.bench.."};
    /** Shared's adapters (and its wiring), where AWS SDK types may appear. */
    private static final String[] AWS_ADAPTERS = {
            "dev.tollgate.store..", "dev.tollgate.vault..", "dev.tollgate.execution..", "dev.tollgate.app.."};

    @Test
    void productNeverImportsTheRunnerTestKitOrBenchmarks() {
        noClasses()
                .that().resideOutsideOfPackages(NOT_PRODUCT)
                .should().dependOnClassesThat().resideInAnyPackage(NOT_PRODUCT)
                .because("the local runner, the test kit and the benchmarks are never deployed")
                .check(PRODUCT);
    }

    @Test
    void noFunctionImportsAnotherFunction() {
        slices()
                .matching("dev.tollgate.functions.(*)..")
                .should().notDependOnEachOther()
                .because("each function is its own deployable jar that depends on shared only")
                .check(PRODUCT);
    }

    @Test
    void sharedNeverImportsAFunction() {
        noClasses()
                .that().resideOutsideOfPackages(NOT_SHARED)
                .should().dependOnClassesThat().resideInAPackage(FUNCTIONS)
                .because("dependencies point one way: functions -> shared -> domain")
                .check(PRODUCT);
    }

    @Test
    void domainImportsNothingElseOfTollgateNorAws() {
        noClasses()
                .that().resideInAPackage("dev.tollgate.domain..")
                .should().dependOnClassesThat(
                        resideInAPackage("dev.tollgate..").and(not(resideInAPackage("dev.tollgate.domain.."))))
                .orShould().dependOnClassesThat(resideInAnyPackage("software.amazon..", "com.amazonaws.."))
                .because("the domain is plain Java that every layer can use")
                .check(PRODUCT);
    }

    @Test
    void awsSdkOnlyInItsAdapters() {
        noClasses()
                .that().resideInAPackage("dev.tollgate..")
                .and().resideOutsideOfPackages(NOT_SHARED)
                .and().resideOutsideOfPackages(AWS_ADAPTERS)
                .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..")
                .because("services reach storage and KMS through ports whose AWS implementations live in store, vault"
                        + " and execution; app wires them")
                .check(PRODUCT);
    }

    /** Shared's packages, and the modules as a whole (all functions are one slice, so is the runner). */
    @Test
    void packagesAreFreeOfCycles() {
        slices()
                .matching("dev.tollgate.(*)..")
                .should().beFreeOfCycles()
                .because("a cycle makes two packages one: neither can be read, tested or moved without the other")
                .check(PRODUCT);
    }

    /** Maven's test-jar of shared (its test support) is on this class path as a jar, not as test-classes. */
    static final class DoNotIncludeTestJars implements ImportOption {
        private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar!/.*");

        @Override
        public boolean includes(Location location) {
            return !location.matches(TEST_JAR);
        }
    }
}
