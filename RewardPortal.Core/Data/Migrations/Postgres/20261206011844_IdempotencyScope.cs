using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RewardPortal.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IdempotencyScope : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Redemptions_ParticipantId_IdempotencyKey",
                table: "Redemptions");

            migrationBuilder.AddColumn<string>(
                name: "IdempotencyScope",
                table: "Redemptions",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Redemptions_IdempotencyScope_IdempotencyKey",
                table: "Redemptions",
                columns: new[] { "IdempotencyScope", "IdempotencyKey" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Redemptions_IdempotencyScope_IdempotencyKey",
                table: "Redemptions");

            migrationBuilder.DropColumn(
                name: "IdempotencyScope",
                table: "Redemptions");

            migrationBuilder.CreateIndex(
                name: "IX_Redemptions_ParticipantId_IdempotencyKey",
                table: "Redemptions",
                columns: new[] { "ParticipantId", "IdempotencyKey" },
                unique: true);
        }
    }
}
